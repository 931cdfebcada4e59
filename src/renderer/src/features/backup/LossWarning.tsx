/** Said once, plainly, wherever a backup secret is chosen: nobody can reset it. */
export function LossWarning({ kind }: { kind: 'password' | 'key' | 'both' }) {
  return (
    <p className="ck-warning" role="note">
      {kind === 'both'
        ? 'If you lose both this password and the recovery key, your backup cannot be opened by anyone, including Chatkeep. There is no way to reset them.'
        : `If you lose this ${kind}, your backup cannot be opened by anyone, including Chatkeep. There is no way to reset it.`}
    </p>
  );
}
