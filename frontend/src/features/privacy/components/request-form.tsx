// File a data-subject request. Erasure asks for a confirmation first: it cannot be undone.
import { useState } from "react";

import { Button, ConfirmDialog, ErrorMessage } from "@/components/ui";
import { Field } from "@/components/ui/field";

import { useFileRequest, type Filing } from "../api";
import { FILING_KINDS, type FilingKind } from "../kinds";
import { RequestOutcome } from "./request-outcome";

export function RequestForm() {
  const mutation = useFileRequest();
  const [kind, setKind] = useState<FilingKind>("access");
  const [subject, setSubject] = useState("");
  const [userId, setUserId] = useState("");
  const [itemId, setItemId] = useState("");
  const [text, setText] = useState("");
  const [confirming, setConfirming] = useState(false);
  const chosen = FILING_KINDS.find((k) => k.value === kind)!;

  const filing = (): Filing => {
    if (kind === "access_user") return { kind, user: Number(userId) };
    if (kind === "rectification") return { kind, item: Number(itemId), text };
    return { kind, subject_ref: subject.trim() };
  };
  const ready =
    kind === "access_user" ? Number(userId) > 0 : kind === "rectification" ? Number(itemId) > 0 && text.length > 0 : subject.trim() !== "";
  const send = () => mutation.mutate(filing(), { onSuccess: () => setConfirming(false) });

  return (
    <>
      <form
        className="privacy-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!ready) return;
          if (kind === "erasure") setConfirming(true);
          else send();
        }}
      >
        <Field label="Request" hint={chosen.hint}>
          {(control) => (
            <select
              {...control}
              value={kind}
              onChange={(e) => {
                mutation.reset();
                setKind(e.target.value as FilingKind);
              }}
            >
              {FILING_KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {kind === "access_user" ? (
          <Field label="User id">
            {(control) => <input {...control} type="number" min={1} value={userId} onChange={(e) => setUserId(e.target.value)} />}
          </Field>
        ) : kind === "rectification" ? (
          <>
            <Field label="Item id">
              {(control) => <input {...control} type="number" min={1} value={itemId} onChange={(e) => setItemId(e.target.value)} />}
            </Field>
            <Field label="Corrected text" className="privacy-wide">
              {(control) => <textarea {...control} rows={3} value={text} onChange={(e) => setText(e.target.value)} />}
            </Field>
          </>
        ) : (
          <Field label="Subject reference" hint="The pseudonymous id the subject's items carry (subject_ref); it is stored only as a keyed hash.">
            {(control) => <input {...control} value={subject} maxLength={128} autoComplete="off" onChange={(e) => setSubject(e.target.value)} />}
          </Field>
        )}
        <div className="row privacy-wide">
          <Button type="submit" variant={kind === "erasure" ? "danger" : "primary"} disabled={!ready || mutation.isPending}>
            {mutation.isPending ? "Filing…" : "File the request"}
          </Button>
        </div>
        {!confirming && <ErrorMessage error={mutation.error} />}
        {mutation.data && <RequestOutcome result={mutation.data} />}
      </form>
      {confirming && (
        <ConfirmDialog
          open
          title="Erase this subject everywhere?"
          confirmLabel="Erase"
          danger
          busy={mutation.isPending}
          onConfirm={send}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Every item with subject reference <strong>{subject.trim()}</strong> is erased from the database, object storage
            and future training data in every project, and retraining is queued. This cannot be undone.
          </p>
          <ErrorMessage error={mutation.error} />
        </ConfirmDialog>
      )}
    </>
  );
}
