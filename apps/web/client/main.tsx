import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { restoreSession } from './session/session-store';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
void restoreSession();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
