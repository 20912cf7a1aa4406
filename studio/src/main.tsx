import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { session } from './api/client';
import { App } from './app/App';
import './styles.css';

// The refresh cookie (if any) becomes an access token before the first screen decides between sign-in and the app.
void session.refresh();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
