/**
 * Every browser test starts without the default storage key's database. An element saves what
 * the user changed as it is removed, so a filter one test leaves on would otherwise greet the
 * next test's element. Tests that keep storage across renders give their own key (`uniqueKey`).
 */
import { dbName } from '../../src/storage/db.js';

beforeEach(async () => {
  await new Promise<void>((resolve) => {
    // The last test's elements close their connections as they are removed; a delete waits
    // for that. One still open elsewhere would block it for good: give up after a while.
    const timer = setTimeout(resolve, 3000);
    const request = indexedDB.deleteDatabase(dbName('default'));
    request.onsuccess = request.onerror = () => {
      clearTimeout(timer);
      resolve();
    };
  });
});
