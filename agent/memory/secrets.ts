// What memory_write refuses to store: text that looks like it holds a secret. Memory files are
// plain text a person reads, syncs and backs up, and whatever is in them comes back in later
// prompts; a password typed in passing must not end up there. Deterministic rules, two kinds:
//
//  - a credential by its shape: provider key formats (OpenAI, GitHub, AWS, Google, Slack, Stripe,
//    Telegram bot tokens), JWTs, PEM private keys, bearer tokens, and card numbers (13 to 19
//    digits that pass the Luhn check);
//  - a value given for a credential word: "password is …", "PIN: …", "api key = …", "the door
//    code is …". The value must look like one (a digit, a symbol, an upper-case letter after the
//    first, or quoted, or after ":"/"="), or be a long plain word that is not one of the words that
//    describe a password instead of giving it ("my password is stored in …", "is too weak").
//
// A finding names its kind, never the value: the error the model sees must not repeat the secret.

export interface SecretFinding {
  /** What it looks like, for the error message: "an OpenAI API key", "a password". */
  kind: string;
}

const KEY_SHAPES: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'an API key (sk-…)', pattern: /\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{16,}/ },
  { kind: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/ },
  { kind: 'an AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}/ },
  { kind: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'a Stripe key', pattern: /\b[rsp]k_(?:live|test)_[A-Za-z0-9]{16,}/ },
  { kind: 'a Telegram bot token', pattern: /\b\d{8,10}:[A-Za-z0-9_-]{35}\b/ },
  { kind: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { kind: 'a bearer token', pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}/ },
];

/** Words naming a credential; a value given for one is a secret. */
const CREDENTIAL =
  /\b(pass(?:word|phrase|code)?s?|pwd|pw|pin(?:\s*(?:code|number))?|passcode|api[\s_-]?key|access[\s_-]?key|secret(?:[\s_-]?key)?|(?:auth|access|api|bot|bearer)[\s_-]?token|private[\s_-]?key|otp|one[\s-]time[\s-]code|security[\s_-]code|cvv|cvc|(?:door|alarm|gate|lock|safe|garage|entry|locker)[\s_-]?code|combination)\b/gi;

/** How a value is given after the credential word (and up to three words of its own: "for the wifi"). */
const GIVEN = /^(?:\s+(?:for|of|to|on)\s+(?:the\s+|my\s+|our\s+)?[\w-]+(?:\s+[\w-]+)?)?(\s*[:=]\s*|\s+(?:is|was|are|will\s+be|has\s+been|reads|=)\s+|\s+(?:changed\s+)?to\s+)(["'`“‘]?)([^\s"'`”’,;]+)/i;

/** Words that describe a credential rather than give it: "my password is stored in the vault". */
const DESCRIBING = new Set(
  ('a an the my our your his her their this that in on at stored saved kept written managed expired expiring too very ' +
    'not no still same different wrong correct incorrect reset changed required needed weak strong long short secret ' +
    'safe fine ok okay somewhere something nothing unknown forgotten lost new old temporary easy hard simple ' +
    'complicated complex case sensitive protected encrypted hidden private personal below above there here').split(' '),
);

export function findSecret(text: string): SecretFinding | undefined {
  for (const { kind, pattern } of KEY_SHAPES) if (pattern.test(text)) return { kind };
  if (hasCardNumber(text)) return { kind: 'a card number' };
  for (const match of text.matchAll(CREDENTIAL)) {
    const given = GIVEN.exec(text.slice(match.index + match[0].length));
    if (given && looksLikeValue(given[3]!, given[1]!, given[2] !== '')) return { kind: withArticle(credentialName(match[1]!)) };
  }
  return undefined;
}

function looksLikeValue(value: string, joiner: string, quoted: boolean): boolean {
  const bare = value.replace(/[.!?]+$/, '');
  if (bare.length < 3) return false;
  if (quoted || /[:=]/.test(joiner)) return !DESCRIBING.has(bare.toLowerCase());
  if (DESCRIBING.has(bare.toLowerCase())) return false;
  // A digit, a symbol, or a capital after the first letter: not an ordinary word.
  if (/\d|[^\p{L}]|.\p{Lu}/u.test(bare)) return true;
  // A long plain word is taken as the value ("correcthorsebatterystaple"); short ones are read as prose.
  return bare.length >= 10;
}

function credentialName(word: string): string {
  const lower = word.toLowerCase().replace(/[\s_-]+/g, ' ');
  if (/^(pass|pwd|pw)/.test(lower)) return 'password';
  if (/^pin/.test(lower)) return 'PIN';
  return lower;
}

function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** 13 to 19 digits, spaces or dashes between groups allowed, passing the Luhn check. */
function hasCardNumber(text: string): boolean {
  for (const match of text.matchAll(/\b\d(?:[ -]?\d){12,18}\b/g)) {
    const digits = match[0].replace(/\D/g, '');
    if (luhn(digits)) return true;
  }
  return false;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}
