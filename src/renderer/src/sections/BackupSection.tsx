export function BackupSection() {
  return (
    <section className="page" aria-labelledby="backup-title">
      <header className="page-header">
        <h1 id="backup-title">Backup</h1>
        <p className="page-lead">
          End-to-end encrypted backups of your chats and media to a folder you own: iCloud Drive,
          Google Drive, OneDrive, Dropbox or any folder. Only you can read them.
        </p>
      </header>
      <div className="card">
        <h2>Backups are off</h2>
        <p>
          Setting up backups from the app is coming soon. Until then, the <code>chatkeep</code>{' '}
          command line makes and restores the same encrypted backups.
        </p>
      </div>
    </section>
  );
}
