import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { resolveApiBase } from './bridge.ts';
import { adoptControlToken } from './control-token.ts';
import { useDirector } from './director-store.ts';
import './styles.css';
import './views.css';
import './asrun.css';
import './library.css';

// Before anything renders, so the token never lingers in the address bar.
useDirector.setState({ token: adoptControlToken(window.location, window.sessionStorage, window.history) });
// The desktop app's window asks its preload bridge instead.
void window.retrovue?.controlToken?.().then(
  (token) => token && useDirector.setState({ token }),
  () => undefined,
);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App apiBase={resolveApiBase(window.retrovue, window.location)} />
  </StrictMode>,
);
