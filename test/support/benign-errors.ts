/**
 * "ResizeObserver loop completed with undelivered notifications" is the browser saying it
 * deferred some resize notifications to the next frame; it is not an exception and nothing is
 * lost. The table's observer of its list and row heights (row-window.ts) can meet it when the
 * page's layout shifts (a scrollbar appearing as details open). Mocha would count it as an uncaught error, so the browser tests
 * drop exactly this message and nothing else. Registered before mocha's own handler.
 */
window.addEventListener('error', (event) => {
  if (event.message?.startsWith('ResizeObserver loop')) event.stopImmediatePropagation();
});
