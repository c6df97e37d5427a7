/** The CSV companion of the single-file script (`cs-active-sessions.csv.js`): Papa Parse. */
import Papa from 'papaparse';

export default Papa;
