// A project's members: the list, add by username, remove with a confirmation. Membership scopes which
// projects' data a user sees; what they may do there comes from their roles (Django groups).
import { useId, useState, type FormEvent } from "react";

import { Button, ConfirmDialog, ErrorMessage, Loading } from "@/components/ui";
import { useAddMember, useMembers, useRemoveMember } from "@/lib/members";

import "./members-panel.css";

export function MembersPanel({ slug, projectName, canManage }: { slug: string; projectName: string; canManage: boolean }) {
  const members = useMembers(slug);
  const add = useAddMember(slug);
  const remove = useRemoveMember(slug);
  const [username, setUsername] = useState("");
  const [removing, setRemoving] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const inputId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    if (!name) return;
    setNotice(null);
    add.mutate(name, {
      onSuccess: () => {
        setUsername("");
        setNotice(`${name} is a member of ${projectName}.`);
      },
    });
  }

  return (
    <div className="members-panel stack">
      {members.isPending && <Loading label="Loading members…" />}
      <ErrorMessage error={members.error} />
      {members.data && members.data.length === 0 && <p className="muted">No members yet.</p>}
      {members.data && members.data.length > 0 && (
        <ul className="members-list" aria-label={`Members of ${projectName}`}>
          {members.data.map((member) => (
            <li key={member}>
              <span className="mono">{member}</span>
              {canManage && (
                <Button variant="ghost" onClick={() => setRemoving(member)} aria-label={`Remove ${member} from ${projectName}`}>
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form className="row members-add" onSubmit={submit}>
          <label htmlFor={inputId}>Add member to {projectName}</label>
          <input
            id={inputId}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            placeholder="username"
            autoComplete="off"
            maxLength={150}
          />
          <Button type="submit" variant="primary" disabled={add.isPending || !username.trim()}>
            Add
          </Button>
        </form>
      )}
      <ErrorMessage error={add.error ?? remove.error} />
      {notice && (
        <p className="alert alert-success" role="status">
          {notice}
        </p>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing ?? ""} from ${projectName}?`}
        confirmLabel="Remove member"
        danger
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const name = removing;
          if (!name) return;
          setNotice(null);
          remove.mutate(name, {
            onSuccess: () => setNotice(`${name} is no longer a member of ${projectName}.`),
            onSettled: () => setRemoving(null),
          });
        }}
      >
        <p>
          They will no longer see this project or its data. Their past answers, and the audit log of them, stay as
          they are. Their roles do not change.
        </p>
      </ConfirmDialog>
    </div>
  );
}
