/** Said once, plainly, wherever a backup secret is chosen: nobody can reset it. */
export function LossWarning({ kind }: { kind: 'password' | 'key' }) {
  return (
    <p className="ck-warning" role="note">
      If you lose this {kind}, your backup cannot be opened by anyone, including Chatkeep. There is
      no way to reset it.
    </p>
  );
}
