// POST /projects/: slug, name, task, at least two labels, and the Art. 30 purpose and lawful basis.
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { Button, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";
import { ApiError } from "@/lib/api/errors";
import { fieldErrorsOf, type FieldErrors } from "@/lib/api/field-errors";
import { LAWFUL_BASES } from "@/lib/lawful-bases";

import { useCreateProject, type ProjectCreate } from "../api/create-project";

const EMPTY = { slug: "", name: "", task: "text_classification", labels: "", purpose: "", lawful_basis: "" };
const FIELDS = new Set(Object.keys(EMPTY));

function check(values: typeof EMPTY): { body: ProjectCreate; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const labels = values.labels.split("\n").map((l) => l.trim()).filter(Boolean);
  const repeated = labels.filter((label, i) => labels.indexOf(label) !== i);
  if (!/^[-a-zA-Z0-9_]+$/.test(values.slug)) errors.slug = ["Letters, digits, - and _ only."];
  if (!values.name.trim()) errors.name = ["Give the project a name."];
  if (labels.length < 2) errors.labels = ["Give at least two labels, one per line."];
  else if (repeated.length) errors.labels = [`Each label once: ${[...new Set(repeated)].join(", ")} is repeated.`];
  const body = {
    slug: values.slug,
    name: values.name.trim(),
    task: values.task as ProjectCreate["task"],
    labels,
    purpose: values.purpose.trim(),
    lawful_basis: values.lawful_basis.trim(),
  };
  return { body, errors };
}

export function CreateProjectForm() {
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<{ slug: string; name: string } | null>(null);
  const create = useCreateProject();
  const set = (field: keyof typeof EMPTY) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const { body, errors: problems } = check(values);
    setErrors(problems);
    if (Object.keys(problems).length) return;
    create.mutate(body, {
      onSuccess: (project) => {
        setCreated({ slug: project.slug, name: project.name });
        setValues(EMPTY);
      },
      onError: (error) => setErrors(error instanceof ApiError ? fieldErrorsOf(error.body) : {}),
    });
  }

  const unplaced = Object.entries(errors).filter(([field]) => !FIELDS.has(field));
  const detection = values.task === "object_detection";
  return (
    <section className="card stack" aria-labelledby="create-title">
      <h2 id="create-title">Create a project</h2>
      <p className="small muted">
        Admins and ML engineers may create projects; the creator becomes its first member. The task cannot be changed
        later, and labels can only be appended afterwards.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-labelledby="create-title">
        <div className="grid grid-3">
          <Field label="Slug" error={errors.slug} hint="The project's id in URLs and in MLflow; cannot change.">
            {(c) => <input {...c} value={values.slug} onChange={set("slug")} maxLength={64} autoComplete="off" />}
          </Field>
          <Field label="Name" error={errors.name}>
            {(c) => <input {...c} value={values.name} onChange={set("name")} maxLength={200} />}
          </Field>
          <Field label="Task" error={errors.task}>
            {(c) => (
              <select {...c} value={values.task} onChange={set("task")}>
                <option value="text_classification">Text classification</option>
                <option value="object_detection">Object detection</option>
              </select>
            )}
          </Field>
        </div>
        <Field
          label="Labels"
          error={errors.labels}
          hint={`One per line, at least two, in order${detection ? " (a label's position is the model's class index)" : ""}.`}
        >
          {(c) => <textarea {...c} rows={4} value={values.labels} onChange={set("labels")} />}
        </Field>
        <div className="grid grid-2">
          <Field label="Purpose" error={errors.purpose} hint="GDPR Art. 30: what the model is for.">
            {(c) => <textarea {...c} rows={2} value={values.purpose} onChange={set("purpose")} />}
          </Field>
          <Field label="Lawful basis" error={errors.lawful_basis} hint="GDPR Art. 6(1), e.g. legitimate_interests.">
            {(c) => (
              <>
                <input {...c} list={`${c.id}-bases`} maxLength={64} value={values.lawful_basis} onChange={set("lawful_basis")} />
                <datalist id={`${c.id}-bases`}>
                  {LAWFUL_BASES.map((basis) => (
                    <option key={basis} value={basis} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
        </div>
        {Object.keys(errors).length > 0 && (
          <div className="alert alert-error" role="alert">
            The project was not created: fix the fields marked above.
            {unplaced.map(([field, messages]) => (
              <div key={field}>
                {field}: {messages.join(" ")}
              </div>
            ))}
          </div>
        )}
        {Object.keys(errors).length === 0 && <ErrorMessage error={create.error} title="The project was not created." />}
        {created && (
          <p className="alert alert-success" role="status">
            Created <strong>{created.name}</strong>. Next: <Link to={`/projects/${created.slug}/upload`}>upload items</Link>{" "}
            or <Link to={`/projects/${created.slug}/settings`}>review its settings</Link>.
          </p>
        )}
        <div>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create project"}
          </Button>
        </div>
      </form>
    </section>
  );
}
