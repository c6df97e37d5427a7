import '../components/cs-active-sessions/cs-active-sessions.js';
