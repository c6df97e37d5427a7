// As an app imports the package; `npm run build` points the name at dist/lib.
import 'cs-active-sessions';
