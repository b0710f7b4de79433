import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { signIn } from './api/client';
import { I18nProvider, initialLanguage, Language, translator } from './i18n';
import { loadSession, Session, SessionProvider } from './session';

import './styles.css';

const queries = new QueryClient({
  defaultOptions: {
    // Live updates arrive by push; no polling, no refetch on focus that would move rows under the cursor.
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 },
  },
});

function Root({ session }: { session: Session }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem('cc.lang', next);
    setLanguageState(next);
  }, []);
  return (
    <StrictMode>
      <I18nProvider language={language} setLanguage={setLanguage}>
        <SessionProvider session={session}>
          <QueryClientProvider client={queries}>
            <App />
          </QueryClientProvider>
        </SessionProvider>
      </I18nProvider>
    </StrictMode>
  );
}

const root = createRoot(document.getElementById('root')!);
loadSession().then(
  (session) => {
    if (!session) {
      root.render(<p className="panel">{translator(initialLanguage())('signingIn')}</p>);
      signIn();
      return;
    }
    root.render(<Root session={session} />);
  },
  // The console itself did not answer (restarting, or the network): say so, and what to do.
  () =>
    root.render(
      <p role="alert" className="panel">
        {translator(initialLanguage())('errSessionLoad')}
      </p>,
    ),
);

// Coming back by the back button after sign-out must not show a page from memory.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});
