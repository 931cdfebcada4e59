export function ImportSection() {
  return (
    <section className="page" aria-labelledby="import-title">
      <header className="page-header">
        <h1 id="import-title">Import</h1>
        <p className="page-lead">
          Bring your phone&apos;s history to this computer: a WhatsApp chat export, a WhatsApp
          encrypted backup with its 64-digit key, an iPhone backup, or a Telegram export.
        </p>
      </header>
      <div className="card">
        <h2>Import from the app is coming soon</h2>
        <p>
          For now, use <code>chatkeep import</code> on the command line.
        </p>
      </div>
    </section>
  );
}
