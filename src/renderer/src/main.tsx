import './styles.css';
import './ui/ui.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyAppearance } from './ui/appearance';

// The OS's light or dark at once, before the saved choice arrives, so the page never flashes.
applyAppearance({ theme: 'system', textSize: 'default', timeFormat: 'system' });

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
