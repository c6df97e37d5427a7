// The React wrapper with a typed event prop; `npm run build` points the name at dist/lib.
import { createElement as h, StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { CsActiveSessions } from 'cs-active-sessions/react';

function App() {
  const [selected, setSelected] = useState<string | undefined>();
  return h(
    'div',
    null,
    h('h1', null, 'Active sessions (React)'),
    h('p', { role: 'status' }, selected ? `Selected in React: ${selected}` : 'Nothing selected'),
    h(CsActiveSessions, {
      demo: true,
      onSessionSelect: (event) => setSelected(event.detail.session.clientId),
    }),
  );
}

createRoot(document.querySelector('#root')!).render(h(StrictMode, null, h(App)));
