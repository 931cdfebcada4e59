/**
 * The archive's stylesheet. The conversation rules are copied from the app's own
 * (src/renderer/src/styles.css, ui/ui.css, features/chats/chats.css) so an archive looks like
 * Chatkeep; an archive cannot load the app's bundle. The archive's layout follows. Keep the copied
 * rules in step when the app's look changes.
 */
export const ARCHIVE_CSS = `/* Chatkeep archive: the app's conversation styles (copied from src/renderer) and the archive's layout. */
:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --bg-soft: #f3f4f6;
  --bg-strong: #e6e8ec;
  --fg: #16181d;
  --fg-soft: #555d6b;
  --fg-faint: #666d7a;
  --accent: #0b63c1;
  --accent-fg: #ffffff;
  --accent-soft: #e3effc;
  --link: #0a5cb4;
  --border: #dde0e5;
  --selected: #e3effc;
  --chat-bg: #e9edf1;
  --bubble-in: #ffffff;
  --bubble-out: #d6eafe;
  --bubble-shadow: 0 1px 1.5px rgb(16 24 40 / 12%);
  --meta: #5b6373;
  --meta-out: #4d5d72;
  --card-bg: rgb(16 24 40 / 5%);
  --system-bg: rgb(255 255 255 / 88%);
  --system-fg: #4a5261;
  --shadow: 0 6px 24px rgb(16 24 40 / 16%);
  --danger: #b42318;
  --ok: #067647;
  --mark: #ffe27a;
  --focus: #2f80ed;
  --radius: 10px;
  /* Avatar backgrounds (white initials on them) and sender names, by tint. */
  --tint-bg-0: #c2410c;
  --tint-bg-1: #0f766e;
  --tint-bg-2: #7c3aed;
  --tint-bg-3: #be185d;
  --tint-bg-4: #1d4ed8;
  --tint-bg-5: #15803d;
  --tint-bg-6: #8f5a05;
  --tint-bg-7: #4338ca;
  --tint-fg-0: #c2410c;
  --tint-fg-1: #0f766e;
  --tint-fg-2: #7c3aed;
  --tint-fg-3: #be185d;
  --tint-fg-4: #1d4ed8;
  --tint-fg-5: #15803d;
  --tint-fg-6: #8f5a05;
  --tint-fg-7: #4338ca;
  font-family:
    system-ui,
    -apple-system,
    'Segoe UI',
    'Noto Sans',
    'Noto Sans Arabic',
    'Noto Sans Hebrew',
    'Noto Sans CJK SC',
    sans-serif;
  font-size: 14px;
  line-height: 1.45;
}

@media (prefers-color-scheme: dark) {
  :root {
    --bg: #17191d;
    --bg-soft: #1f2227;
    --bg-strong: #2b2f36;
    --fg: #e8eaed;
    --fg-soft: #b3b9c4;
    --fg-faint: #8b93a0;
    --accent: #4ea1f3;
    --accent-fg: #0b0c0e;
    --accent-soft: #1b3350;
    --link: #7cbcff;
    --border: #33373f;
    --selected: #1f3550;
    --chat-bg: #0e1013;
    --bubble-in: #23272e;
    --bubble-out: #1c3c61;
    --bubble-shadow: 0 1px 1.5px rgb(0 0 0 / 40%);
    --meta: #9ba3b0;
    --meta-out: #a7bbd4;
    --card-bg: rgb(255 255 255 / 6%);
    --system-bg: rgb(35 39 46 / 92%);
    --system-fg: #b3bac6;
    --shadow: 0 8px 28px rgb(0 0 0 / 55%);
    --danger: #f97066;
    --ok: #47cd89;
    --mark: #8a6a00;
    --focus: #6fb3ff;
    --tint-fg-0: #fb923c;
    --tint-fg-1: #2dd4bf;
    --tint-fg-2: #c4b5fd;
    --tint-fg-3: #f9a8d4;
    --tint-fg-4: #93c5fd;
    --tint-fg-5: #86efac;
    --tint-fg-6: #fcd34d;
    --tint-fg-7: #a5b4fc;
  }
}

.avatar {
  display: inline-grid;
  place-items: center;
  flex: none;
  border-radius: 50%;
  color: #ffffff;
  font-weight: 600;
  line-height: 1;
  user-select: none;
  letter-spacing: 0.02em;
}

.avatar-xs {
  width: 22px;
  height: 22px;
  font-size: 10px;
}

.avatar-sm {
  width: 32px;
  height: 32px;
  font-size: 13px;
}

.avatar-md {
  width: 44px;
  height: 44px;
  font-size: 16px;
}

.avatar-lg {
  width: 56px;
  height: 56px;
  font-size: 20px;
}

.avatar-xl {
  width: 88px;
  height: 88px;
  font-size: 32px;
}

.avatar.tint-0 {
  background: var(--tint-bg-0);
}
.avatar.tint-1 {
  background: var(--tint-bg-1);
}
.avatar.tint-2 {
  background: var(--tint-bg-2);
}
.avatar.tint-3 {
  background: var(--tint-bg-3);
}
.avatar.tint-4 {
  background: var(--tint-bg-4);
}
.avatar.tint-5 {
  background: var(--tint-bg-5);
}
.avatar.tint-6 {
  background: var(--tint-bg-6);
}
.avatar.tint-7 {
  background: var(--tint-bg-7);
}

.sender.tint-0,
.quote.tint-0 {
  color: var(--tint-fg-0);
}
.sender.tint-1,
.quote.tint-1 {
  color: var(--tint-fg-1);
}
.sender.tint-2,
.quote.tint-2 {
  color: var(--tint-fg-2);
}
.sender.tint-3,
.quote.tint-3 {
  color: var(--tint-fg-3);
}
.sender.tint-4,
.quote.tint-4 {
  color: var(--tint-fg-4);
}
.sender.tint-5,
.quote.tint-5 {
  color: var(--tint-fg-5);
}
.sender.tint-6,
.quote.tint-6 {
  color: var(--tint-fg-6);
}
.sender.tint-7,
.quote.tint-7 {
  color: var(--tint-fg-7);
}


.date-separator {
  display: flex;
  justify-content: center;
  padding: 12px 0 8px;
}

.date-separator span,
.system-pill {
  font-size: 12.5px;
  font-weight: 500;
  padding: 3px 12px;
  border-radius: 10px;
  background: var(--system-bg);
  color: var(--system-fg);
  box-shadow: var(--bubble-shadow);
}

.system-line {
  display: flex;
  justify-content: center;
  padding: 4px 0;
}

.system-pill {
  display: inline-flex;
  align-items: center;
  gap: 6px;
  max-width: min(80%, 560px);
  text-align: center;
  font-weight: 400;
}

.system-pill.missed {
  color: var(--danger);
}

.system-pill.highlight {
  box-shadow: 0 0 0 2px var(--accent);
}

/* A message: avatar slot, then a column holding the bubble and its reactions. */
.msg {
  display: flex;
  align-items: flex-end;
  gap: 6px;
  padding-top: 1px;
}

.msg.run-first {
  padding-top: 5px;
}

.msg.out {
  justify-content: flex-end;
}

.msg-avatar {
  width: 32px;
  flex: none;
  align-self: flex-end;
}

.msg-column {
  display: flex;
  flex-direction: column;
  align-items: flex-start;
  max-width: min(75%, 900px);
  min-width: 0;
}

.msg.out .msg-column {
  align-items: flex-end;
}

.bubble {
  position: relative;
  max-width: 100%;
  min-width: 0;
  padding: 6px 9px 7px 10px;
  border-radius: 14px;
  background: var(--bubble-in);
  box-shadow: var(--bubble-shadow);
  overflow-wrap: anywhere;
  color: var(--fg);
}

.msg.out .bubble {
  background: var(--bubble-out);
}

.msg.in:not(.run-first) .bubble {
  border-top-left-radius: 5px;
}

.msg.in:not(.run-last) .bubble {
  border-bottom-left-radius: 5px;
}

.msg.out:not(.run-first) .bubble {
  border-top-right-radius: 5px;
}

.msg.out:not(.run-last) .bubble {
  border-bottom-right-radius: 5px;
}

/* The tail, on the last bubble of a run. */
.bubble.tail::after {
  content: '';
  position: absolute;
  bottom: 0;
  width: 9px;
  height: 14px;
  background: inherit;
}

.msg.in .bubble.tail {
  border-bottom-left-radius: 0;
}

.msg.in .bubble.tail::after {
  left: -8px;
  clip-path: path('M9 0 L9 14 L0 14 C4.5 12 8 8 9 0 Z');
}

.msg.out .bubble.tail {
  border-bottom-right-radius: 0;
}

.msg.out .bubble.tail::after {
  right: -8px;
  clip-path: path('M0 0 L0 14 L9 14 C4.5 12 1 8 0 0 Z');
}

.sender {
  font-size: 13px;
  font-weight: 600;
  margin-bottom: 2px;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.msg-text {
  white-space: pre-wrap;
  font-size: 14.5px;
  line-height: 1.42;
}

.msg-link {
  color: var(--link);
  text-decoration: underline;
  text-underline-offset: 2px;
}

.meta {
  position: absolute;
  right: 9px;
  bottom: 4px;
  display: inline-flex;
  gap: 4px;
  font-size: 11px;
  line-height: 1.2;
  color: var(--meta);
  white-space: nowrap;
  user-select: none;
}

.msg.out .meta {
  color: var(--meta-out);
}

/* Reserves room on the text's last line for the time in the corner. */
.meta-spacer {
  display: inline-block;
  visibility: hidden;
  font-size: 11px;
  padding-left: 12px;
  line-height: 1;
  white-space: nowrap;
}

.bubble:has(.link-card) .meta-spacer {
  display: none;
}

.meta-edited {
  font-style: italic;
}

/* A player's clock is on the left: the time takes the right of that line. */
.bubble:has(.voice):not(:has(.msg-text)) {
  padding-bottom: 7px;
}

/* Without text to sit beside, the time needs its own line at the bottom. */
.bubble:not(.visual-only, .bare):not(:has(.msg-text)):not(:has(.voice)),
.bubble:has(.link-card) {
  padding-bottom: 20px;
}

.meta.meta-float {
  right: 8px;
  bottom: 8px;
  padding: 1px 7px;
  border-radius: 10px;
  background: rgb(0 0 0 / 50%);
  color: #ffffff;
}

.bubble.visual-only {
  padding: 3px;
}

.bubble.visual-only .sender {
  padding: 3px 6px 2px;
}

.bubble.bare {
  background: none;
  box-shadow: none;
  padding: 0 0 22px;
}

.bubble.bare .meta.meta-float {
  bottom: 0;
  background: var(--system-bg);
  color: var(--system-fg);
}

.msg-text.emoji-1 {
  font-size: 48px;
  line-height: 1.15;
}

.msg-text.emoji-2 {
  font-size: 40px;
  line-height: 1.15;
}

.msg-text.emoji-3 {
  font-size: 34px;
  line-height: 1.15;
}

.is-deleted .deleted {
  display: inline-flex;
  align-items: center;
  gap: 6px;
  font-style: italic;
  color: var(--fg-soft);
  padding-right: 56px;
}

.bubble.is-deleted {
  padding-bottom: 7px;
}

/* Reply quote */
.quote {
  display: flex;
  align-items: center;
  gap: 8px;
  width: 100%;
  min-width: 180px;
  margin: 2px 0 5px;
  padding: 5px 8px;
  border: 0;
  border-left: 3px solid currentColor;
  border-radius: 6px;
  background: var(--card-bg);
  text-align: left;
  cursor: pointer;
}

.quote-text {
  display: grid;
  min-width: 0;
  flex: 1;
}

.quote-who {
  font-size: 12.5px;
  font-weight: 600;
}

.quote-what {
  font-size: 13px;
  color: var(--fg-soft);
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.quote-thumb {
  width: 40px;
  height: 40px;
  object-fit: cover;
  border-radius: 4px;
  flex: none;
}

.quote-missing {
  cursor: default;
  color: var(--fg-faint);
}

/* Reactions hang from the bubble's bottom edge. */
.reactions {
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  list-style: none;
  margin: -6px 8px 2px;
  padding: 0;
  position: relative;
  z-index: 1;
}

.reaction {
  display: inline-flex;
  gap: 3px;
  align-items: center;
  font-size: 13px;
  line-height: 1.3;
  padding: 1px 7px;
  border-radius: 12px;
  background: var(--bg);
  border: 1px solid var(--border);
  box-shadow: var(--bubble-shadow);
}

.reaction.mine {
  border-color: var(--accent);
  background: var(--accent-soft);
}

/* Media */
.media-grid {
  display: grid;
  gap: 2px;
  border-radius: 11px;
  overflow: hidden;
  max-width: 100%;
}

.media-grid.album {
  grid-template-columns: repeat(2, minmax(0, 148px));
}

.bubble:not(.visual-only) .media-grid {
  margin: 2px 0 6px;
}

.media-tile {
  position: relative;
  display: block;
  max-width: 100%;
  padding: 0;
  border: 0;
  background: var(--bg-strong);
  overflow: hidden;
  cursor: zoom-in;
}

/* The app sizes a tile with an inline style; here the image's own width and height do. */
.media-tile img,
.media-fill {
  display: block;
  max-width: 100%;
  height: auto;
  object-fit: cover;
}

.media-tile-missing {
  display: grid;
  place-items: center;
  align-content: center;
  gap: 6px;
  color: var(--fg-soft);
  font-size: 12.5px;
  text-align: center;
  padding: 12px;
  cursor: default;
}

.media-tile-name {
  display: block;
  max-width: 100%;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
  font-style: italic;
}

.media-play {
  position: absolute;
  left: 50%;
  top: 50%;
  transform: translate(-50%, -50%);
  display: grid;
  place-items: center;
  width: 48px;
  height: 48px;
  border-radius: 50%;
  background: rgb(0 0 0 / 55%);
  color: #ffffff;
}

.media-badge {
  position: absolute;
  left: 6px;
  top: 6px;
  display: inline-flex;
  align-items: center;
  gap: 3px;
  font-size: 11px;
  font-weight: 600;
  padding: 1px 6px;
  border-radius: 8px;
  background: rgb(0 0 0 / 55%);
  color: #ffffff;
}

.media-missing {
  display: flex;
  align-items: center;
  gap: 6px;
  font-size: 13px;
  color: var(--fg-soft);
  font-style: italic;
  padding: 2px 0;
}

.sticker {
  display: block;
  width: 160px;
  height: 160px;
  object-fit: contain;
}

/* Voice notes and audio */
.voice {
  display: grid;
  grid-template-columns: 28px minmax(0, 1fr) auto;
  gap: 10px;
  align-items: center;
  width: 320px;
  max-width: 100%;
  min-width: 0;
  padding: 2px 0;
}

.voice-track {
  display: grid;
  gap: 4px;
  min-width: 0;
}

.voice-time {
  font-variant-numeric: tabular-nums;
}

/* Documents */
.doc {
  display: grid;
  grid-template-columns: 40px minmax(0, 1fr) auto;
  gap: 10px;
  align-items: center;
  width: 290px;
  max-width: 100%;
  padding: 8px;
  margin: 2px 0;
  border-radius: 8px;
  background: var(--card-bg);
}

.doc-icon {
  position: relative;
  display: grid;
  place-items: center;
  width: 40px;
  height: 44px;
  color: var(--accent);
}

.doc-ext {
  position: absolute;
  bottom: 7px;
  font-size: 8px;
  font-weight: 700;
  letter-spacing: 0.02em;
}

.doc-text {
  display: grid;
  min-width: 0;
}

.doc-name {
  font-weight: 500;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.doc-size,
.doc-missing {
  font-size: 12px;
  color: var(--fg-soft);
}

/* Location, contact and poll cards */
.location,
.contact,
.poll {
  width: 280px;
  max-width: 100%;
  min-width: 0;
}

.location-map {
  position: relative;
  height: 120px;
  border-radius: 8px;
  overflow: hidden;
  display: grid;
  place-items: center;
  background:
    linear-gradient(115deg, transparent 46%, rgb(255 255 255 / 85%) 46% 50%, transparent 50%),
    linear-gradient(20deg, transparent 60%, rgb(250 214 120 / 90%) 60% 64%, transparent 64%),
    repeating-linear-gradient(0deg, transparent 0 22px, rgb(255 255 255 / 55%) 22px 24px),
    repeating-linear-gradient(90deg, transparent 0 30px, rgb(255 255 255 / 55%) 30px 32px),
    linear-gradient(#dfe9d6, #d2e3ee);
}

@media (prefers-color-scheme: dark) {
  .location-map {
    background:
      linear-gradient(115deg, transparent 46%, rgb(255 255 255 / 18%) 46% 50%, transparent 50%),
      linear-gradient(20deg, transparent 60%, rgb(190 150 60 / 55%) 60% 64%, transparent 64%),
      repeating-linear-gradient(0deg, transparent 0 22px, rgb(255 255 255 / 8%) 22px 24px),
      repeating-linear-gradient(90deg, transparent 0 30px, rgb(255 255 255 / 8%) 30px 32px),
      linear-gradient(#26332b, #22303a);
  }
}

.location-pin {
  color: #d92d20;
  filter: drop-shadow(0 2px 2px rgb(0 0 0 / 35%));
  transform: translateY(-8px);
}

.location-pin .icon {
  fill: #f04438;
  stroke: #ffffff;
}

.location-text {
  display: grid;
  gap: 1px;
  padding: 8px 2px 4px;
}

.location-name {
  font-weight: 600;
}

.location-address {
  font-size: 13px;
  color: var(--fg-soft);
}

.location-coords {
  font-size: 12px;
  color: var(--fg-soft);
  font-variant-numeric: tabular-nums;
}

.card-action {
  display: flex;
  align-items: center;
  justify-content: center;
  gap: 6px;
  width: 100%;
  margin-top: 6px;
  padding: 7px 8px;
  border: 0;
  border-top: 1px solid color-mix(in srgb, var(--fg) 12%, transparent);
  background: transparent;
  color: var(--link);
  font-weight: 600;
  cursor: pointer;
}

.contact-head {
  display: flex;
  align-items: center;
  gap: 10px;
  padding: 2px 0 6px;
}

.contact-who {
  display: grid;
  min-width: 0;
}

.contact-name {
  font-weight: 600;
  font-size: 15px;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.contact-org {
  font-size: 12.5px;
  color: var(--fg-soft);
}

.contact-lines {
  margin: 0;
  padding: 6px 0 0;
  border-top: 1px solid color-mix(in srgb, var(--fg) 12%, transparent);
  display: grid;
  gap: 2px;
}

.contact-line {
  display: flex;
  gap: 10px;
  justify-content: space-between;
  font-size: 13px;
}

.contact-line dt {
  color: var(--fg-soft);
}

.contact-line dd {
  margin: 0;
  font-variant-numeric: tabular-nums;
  overflow-wrap: anywhere;
}

.poll-kind {
  display: flex;
  align-items: center;
  gap: 5px;
  font-size: 12px;
  color: var(--fg-soft);
  margin-bottom: 2px;
}

.poll-question {
  font-weight: 600;
  font-size: 15px;
  margin-bottom: 8px;
}

.poll-options {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  gap: 9px;
}

.poll-option-row {
  display: flex;
  justify-content: space-between;
  gap: 10px;
  font-size: 14px;
}

.poll-option-text {
  min-width: 0;
}

.poll-votes {
  flex: none;
  font-weight: 600;
  color: var(--fg-soft);
  font-variant-numeric: tabular-nums;
}

.poll-bar {
  height: 6px;
  margin-top: 4px;
  border-radius: 3px;
  background: color-mix(in srgb, var(--fg) 12%, transparent);
  overflow: hidden;
}

.poll-bar span {
  display: block;
  height: 100%;
  border-radius: 3px;
  background: color-mix(in srgb, var(--accent) 65%, transparent);
}

.poll-option.leading .poll-bar span {
  background: var(--accent);
}

.poll-total {
  margin-top: 10px;
  font-size: 12px;
  color: var(--fg-soft);
}

/* Links */
.link-card {
  display: grid;
  margin: 6px 0 2px;
  padding: 5px 9px;
  border-left: 3px solid var(--accent);
  border-radius: 6px;
  background: var(--card-bg);
  text-decoration: none;
  color: var(--fg);
  min-width: 0;
}

.link-card-domain {
  font-weight: 600;
  font-size: 13px;
  color: var(--link);
}

.link-card-url {
  font-size: 12px;
  color: var(--fg-soft);
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}


/* ==== The archive's own layout (pages, index, month navigation, search, print) ==== */
* {
  box-sizing: border-box;
}

html,
body {
  margin: 0;
  background: var(--chat-bg);
  color: var(--fg);
}

a {
  color: var(--link);
}

:focus-visible {
  outline: 2px solid var(--focus);
  outline-offset: 2px;
}

.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
}

.icon {
  flex: none;
  vertical-align: middle;
}

.archive-bar {
  position: sticky;
  top: 0;
  z-index: 5;
  display: flex;
  align-items: center;
  gap: 14px;
  padding: 8px 18px;
  background: var(--bg);
  border-bottom: 1px solid var(--border);
}

.archive-crumbs {
  display: flex;
  align-items: center;
  gap: 8px;
  flex: 1;
  min-width: 0;
  overflow: hidden;
  white-space: nowrap;
}

.archive-crumbs a,
.archive-crumbs span {
  overflow: hidden;
  text-overflow: ellipsis;
}

.archive-crumbs .sep {
  color: var(--fg-faint);
  flex: none;
}

.archive-brand {
  display: inline-flex;
  align-items: center;
  gap: 8px;
  flex: none;
  font-weight: 700;
  color: var(--fg);
  text-decoration: none;
}

.archive-brand-mark {
  display: inline-grid;
  place-items: center;
  width: 26px;
  height: 26px;
  border-radius: 7px;
  background: var(--accent);
  color: var(--accent-fg);
}

.archive-search {
  display: flex;
  align-items: center;
  gap: 6px;
  flex: 0 1 340px;
  min-width: 160px;
}

.archive-search input {
  flex: 1;
  min-width: 0;
  font: inherit;
  color: var(--fg);
  background: var(--bg-soft);
  border: 1px solid var(--border);
  border-radius: 18px;
  padding: 6px 14px;
}

.archive-search button,
.button {
  font: inherit;
  color: var(--accent-fg);
  background: var(--accent);
  border: 0;
  border-radius: 18px;
  padding: 6px 14px;
  cursor: pointer;
}

.conversation-header {
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 12px 18px;
  background: var(--bg-soft);
  border-bottom: 1px solid var(--border);
}

.conversation-titles {
  display: grid;
  min-width: 0;
}

.conversation-titles h1 {
  font-size: 18px;
  margin: 0;
  overflow-wrap: anywhere;
}

.conversation-subtitle {
  font-size: 13px;
  color: var(--fg-soft);
  overflow-wrap: anywhere;
}

.month-nav {
  display: grid;
  grid-template-columns: 1fr auto 1fr;
  align-items: center;
  gap: 12px;
  padding: 10px 18px;
}

.month-nav > :first-child {
  justify-self: start;
}

.month-nav > :last-child {
  justify-self: end;
}

.month-nav a,
.month-nav .here {
  font-size: 13px;
  padding: 4px 12px;
  border-radius: 12px;
  background: var(--system-bg);
  color: var(--system-fg);
  box-shadow: var(--bubble-shadow);
  text-decoration: none;
}

.month-nav .here {
  font-weight: 600;
  color: var(--fg);
}

.month-nav .gap {
  visibility: hidden;
}

.messages {
  padding: 4px 18px 24px;
}

.msg,
.system-line {
  scroll-margin-top: 90px;
}

.msg:target .bubble,
.system-line:target .system-pill {
  box-shadow:
    0 0 0 2px var(--accent),
    var(--bubble-shadow);
}

.system-time {
  font-size: 11px;
  opacity: 0.8;
}

.empty-note {
  text-align: center;
  color: var(--fg-soft);
  padding: 24px;
}

a.quote {
  color: inherit;
  text-decoration: none;
}

a.quote .quote-who {
  color: inherit;
}

.quote-static {
  cursor: default;
}

.quote.tint-0 .quote-who {
  color: var(--tint-fg-0);
}
.quote.tint-1 .quote-who {
  color: var(--tint-fg-1);
}
.quote.tint-2 .quote-who {
  color: var(--tint-fg-2);
}
.quote.tint-3 .quote-who {
  color: var(--tint-fg-3);
}
.quote.tint-4 .quote-who {
  color: var(--tint-fg-4);
}
.quote.tint-5 .quote-who {
  color: var(--tint-fg-5);
}
.quote.tint-6 .quote-who {
  color: var(--tint-fg-6);
}
.quote.tint-7 .quote-who {
  color: var(--tint-fg-7);
}

a.media-tile {
  cursor: zoom-in;
}

.media-grid {
  justify-items: start;
}

.media-grid.album .media-fill {
  width: 148px;
  height: 148px;
  object-fit: cover;
}

.media-tile-missing.box-single {
  width: 240px;
  height: 180px;
}

.media-tile-missing.box-tile {
  width: 148px;
  height: 148px;
}

.media-video video {
  background: #000;
}

.voice-icon {
  display: grid;
  place-items: center;
  width: 28px;
  height: 28px;
  border-radius: 50%;
  background: var(--accent);
  color: var(--accent-fg);
}

.voice-label {
  font-size: 12.5px;
  color: var(--fg-soft);
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.voice audio {
  width: 100%;
  height: 32px;
}

.voice-time {
  font-size: 11.5px;
  color: var(--meta);
}

.doc-open {
  font-size: 13px;
  font-weight: 600;
  text-decoration: none;
}

.card-action {
  text-decoration: none;
}

/* The index page and a chat's page */
.archive-main {
  padding: 18px;
}

.archive-intro {
  background: var(--bg);
  border-radius: 12px;
  box-shadow: var(--bubble-shadow);
  padding: 14px 18px;
  margin-bottom: 16px;
}

.archive-intro h1 {
  font-size: 20px;
  margin: 0 0 6px;
}

.archive-intro p {
  margin: 4px 0;
  color: var(--fg-soft);
}

.chat-index {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
  gap: 10px;
}

.chat-card {
  display: flex;
  align-items: center;
  gap: 12px;
  padding: 12px 14px;
  background: var(--bg);
  border-radius: 12px;
  box-shadow: var(--bubble-shadow);
  color: var(--fg);
  text-decoration: none;
  min-width: 0;
}

.chat-card:hover {
  background: var(--bg-soft);
}

.chat-card-text {
  display: grid;
  min-width: 0;
}

.chat-card-title {
  font-weight: 600;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}

.chat-card-sub {
  font-size: 12.5px;
  color: var(--fg-soft);
}

.year {
  margin: 0 0 14px;
}

.year h2 {
  font-size: 15px;
  margin: 0 0 8px;
}

.month-list {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
  gap: 8px;
}

.month-list a {
  display: grid;
  padding: 8px 12px;
  border-radius: 10px;
  background: var(--bg);
  box-shadow: var(--bubble-shadow);
  color: var(--fg);
  text-decoration: none;
}

.month-list a:hover {
  background: var(--bg-soft);
}

.month-count {
  font-size: 12px;
  color: var(--fg-soft);
}

.members {
  color: var(--fg-soft);
  font-size: 13px;
}

/* Search */
.search-panel {
  padding: 18px;
}

.search-form {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
  align-items: center;
  margin-bottom: 12px;
}

.search-form input,
.search-form select {
  font: inherit;
  color: var(--fg);
  background: var(--bg);
  border: 1px solid var(--border);
  border-radius: 18px;
  padding: 7px 14px;
}

.search-form input {
  flex: 1 1 320px;
}

.search-status {
  color: var(--fg-soft);
  margin: 6px 0 12px;
}

.search-hits {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  gap: 6px;
}

.search-hit a {
  display: grid;
  gap: 2px;
  padding: 9px 14px;
  border-radius: 10px;
  background: var(--bg);
  box-shadow: var(--bubble-shadow);
  color: var(--fg);
  text-decoration: none;
}

.search-hit a:hover {
  background: var(--bg-soft);
}

.search-hit-top {
  display: flex;
  gap: 10px;
  justify-content: space-between;
  font-size: 12.5px;
  color: var(--fg-soft);
}

.search-hit-text {
  overflow-wrap: anywhere;
}

mark {
  background: var(--mark);
  color: inherit;
  border-radius: 2px;
}

.noscript-note {
  color: var(--fg-soft);
}

/* A single-file archive shows one chat at a time: the one its address points into. */
.single .chat-section {
  display: none;
}

.single .chat-section:target,
.single .chat-section:has(:target) {
  display: block;
}

.single .archive-home-section:has(~ .chat-section:target),
.single .archive-home-section:has(~ .chat-section :target) {
  display: none;
}

@media (max-width: 640px) {
  .archive-bar {
    flex-wrap: wrap;
  }
  .archive-search {
    flex-basis: 100%;
  }
  .msg-column {
    max-width: 88%;
  }
}

@media print {
  .archive-bar,
  .month-nav,
  .archive-search {
    display: none;
  }
  html,
  body {
    background: #ffffff;
  }
  .bubble,
  .system-pill,
  .date-separator span {
    box-shadow: none;
    border: 1px solid #c9ced6;
  }
  .msg,
  .system-line {
    break-inside: avoid;
  }
}

/* Poll bars: a class per percent, since the CSP allows no inline styles. */
.pct-0 {
  width: 0%;
}
.pct-1 {
  width: 1%;
}
.pct-2 {
  width: 2%;
}
.pct-3 {
  width: 3%;
}
.pct-4 {
  width: 4%;
}
.pct-5 {
  width: 5%;
}
.pct-6 {
  width: 6%;
}
.pct-7 {
  width: 7%;
}
.pct-8 {
  width: 8%;
}
.pct-9 {
  width: 9%;
}
.pct-10 {
  width: 10%;
}
.pct-11 {
  width: 11%;
}
.pct-12 {
  width: 12%;
}
.pct-13 {
  width: 13%;
}
.pct-14 {
  width: 14%;
}
.pct-15 {
  width: 15%;
}
.pct-16 {
  width: 16%;
}
.pct-17 {
  width: 17%;
}
.pct-18 {
  width: 18%;
}
.pct-19 {
  width: 19%;
}
.pct-20 {
  width: 20%;
}
.pct-21 {
  width: 21%;
}
.pct-22 {
  width: 22%;
}
.pct-23 {
  width: 23%;
}
.pct-24 {
  width: 24%;
}
.pct-25 {
  width: 25%;
}
.pct-26 {
  width: 26%;
}
.pct-27 {
  width: 27%;
}
.pct-28 {
  width: 28%;
}
.pct-29 {
  width: 29%;
}
.pct-30 {
  width: 30%;
}
.pct-31 {
  width: 31%;
}
.pct-32 {
  width: 32%;
}
.pct-33 {
  width: 33%;
}
.pct-34 {
  width: 34%;
}
.pct-35 {
  width: 35%;
}
.pct-36 {
  width: 36%;
}
.pct-37 {
  width: 37%;
}
.pct-38 {
  width: 38%;
}
.pct-39 {
  width: 39%;
}
.pct-40 {
  width: 40%;
}
.pct-41 {
  width: 41%;
}
.pct-42 {
  width: 42%;
}
.pct-43 {
  width: 43%;
}
.pct-44 {
  width: 44%;
}
.pct-45 {
  width: 45%;
}
.pct-46 {
  width: 46%;
}
.pct-47 {
  width: 47%;
}
.pct-48 {
  width: 48%;
}
.pct-49 {
  width: 49%;
}
.pct-50 {
  width: 50%;
}
.pct-51 {
  width: 51%;
}
.pct-52 {
  width: 52%;
}
.pct-53 {
  width: 53%;
}
.pct-54 {
  width: 54%;
}
.pct-55 {
  width: 55%;
}
.pct-56 {
  width: 56%;
}
.pct-57 {
  width: 57%;
}
.pct-58 {
  width: 58%;
}
.pct-59 {
  width: 59%;
}
.pct-60 {
  width: 60%;
}
.pct-61 {
  width: 61%;
}
.pct-62 {
  width: 62%;
}
.pct-63 {
  width: 63%;
}
.pct-64 {
  width: 64%;
}
.pct-65 {
  width: 65%;
}
.pct-66 {
  width: 66%;
}
.pct-67 {
  width: 67%;
}
.pct-68 {
  width: 68%;
}
.pct-69 {
  width: 69%;
}
.pct-70 {
  width: 70%;
}
.pct-71 {
  width: 71%;
}
.pct-72 {
  width: 72%;
}
.pct-73 {
  width: 73%;
}
.pct-74 {
  width: 74%;
}
.pct-75 {
  width: 75%;
}
.pct-76 {
  width: 76%;
}
.pct-77 {
  width: 77%;
}
.pct-78 {
  width: 78%;
}
.pct-79 {
  width: 79%;
}
.pct-80 {
  width: 80%;
}
.pct-81 {
  width: 81%;
}
.pct-82 {
  width: 82%;
}
.pct-83 {
  width: 83%;
}
.pct-84 {
  width: 84%;
}
.pct-85 {
  width: 85%;
}
.pct-86 {
  width: 86%;
}
.pct-87 {
  width: 87%;
}
.pct-88 {
  width: 88%;
}
.pct-89 {
  width: 89%;
}
.pct-90 {
  width: 90%;
}
.pct-91 {
  width: 91%;
}
.pct-92 {
  width: 92%;
}
.pct-93 {
  width: 93%;
}
.pct-94 {
  width: 94%;
}
.pct-95 {
  width: 95%;
}
.pct-96 {
  width: 96%;
}
.pct-97 {
  width: 97%;
}
.pct-98 {
  width: 98%;
}
.pct-99 {
  width: 99%;
}
.pct-100 {
  width: 100%;
}
`;
