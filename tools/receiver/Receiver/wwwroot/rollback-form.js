// The New campaign dialog's rollback (CreateCampaignBody.Rollback, docs/receiver.md "Rollback on halt"): the previous
// firmware, as its signed package (.nfw) or a version of the receiver's firmware repository, and the downgrade
// authorization (.nfa) that 'nodectl firmware authorize-downgrade' signed for it, as 'nodectl campaign create
// --rollback-package|--rollback-version --rollback-authorization' send them. The page checks only the files' shape;
// the receiver verifies the pair against its release key and the cohort, and refuses the campaign with its reason.
import { base64 } from './api.js';
import { field } from './dom.js';

// Versions as the API takes them (Api/CampaignBodyLimits.cs).
const VERSION = /^[0-9A-Za-z.+-]{1,32}$/;
// A .nfa: "NFA1", u32 LE document length 1..2048, the document, a 64-byte signature (Core/Ota/DowngradeAuthorizationFile.cs).
const NFA = { magic: 'NFA1', header: 8, maxDocument: 2048, signature: 64 };
const NFW_MAGIC = 'NFW1';

export function addRollbackFields(form) {
  const box = Object.assign(document.createElement('fieldset'), { id: 'create-rollback' });
  box.append(
    Object.assign(document.createElement('legend'), { textContent: 'Rollback if it halts (optional): offered back to the devices that updated' }),
    field('Previous package (.nfw, signed with the release key)', 'rollbackPackage', { type: 'file', accept: '.nfw' }),
    field('or its version in the receiver\'s firmware repository', 'rollbackVersion', { maxLength: 32 }),
    field('Downgrade authorization (.nfa from nodectl firmware authorize-downgrade)', 'rollbackAuthorization', { type: 'file', accept: '.nfa' }));
  form.elements.start.closest('label').before(box);
}

function startsWith(bytes, magic) {
  return bytes.length >= magic.length && [...magic].every((ch, i) => bytes[i] === ch.charCodeAt(0));
}

// The authorization's bytes, or throws with what is wrong with the file.
async function authorizationBytes(file) {
  const most = NFA.header + NFA.maxDocument + NFA.signature;
  if (file.size > most) throw new Error(`rollback authorization: ${file.name} is ${file.size} bytes, more than a .nfa file's ${most}`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!startsWith(bytes, NFA.magic)) throw new Error(`rollback authorization: ${file.name} is not a downgrade authorization (.nfa files start with ${NFA.magic})`);
  const length = bytes.length >= NFA.header ? new DataView(bytes.buffer).getUint32(4, true) : 0;
  if (length < 1 || length > NFA.maxDocument || bytes.length !== NFA.header + length + NFA.signature)
    throw new Error(`rollback authorization: ${file.name} is cut or damaged (${bytes.length} bytes do not match its header)`);
  return bytes;
}

/**
 * The form's rollback: null when none of its fields is filled, else { body, packageBytes, describes } where body is the
 * request's rollback, packageBytes the rollback package's size (0 for a version) and describes it for the confirmation.
 * Throws with what is wrong.
 */
export async function rollbackOf(form) {
  const file = form.elements.rollbackPackage.files[0];
  const version = form.elements.rollbackVersion.value.trim();
  const authorization = form.elements.rollbackAuthorization.files[0];
  if (!file && !version && !authorization) return null;
  if (file && version) throw new Error('rollback: choose the previous package or type its version, not both');
  if (!file && !version) throw new Error('rollback: choose the previous version\'s signed package (.nfw) or type a version of the receiver\'s firmware repository');
  if (version && !VERSION.test(version)) throw new Error('rollback version: 1..32 of 0-9 A-Z a-z . + -');
  if (!authorization) throw new Error('rollback: choose the downgrade authorization (.nfa) that nodectl firmware authorize-downgrade signed for the previous package');
  const body = { downgradeAuthorization: base64(await authorizationBytes(authorization)) };
  if (version) {
    body.version = version;
    return { body, packageBytes: 0, describes: `version ${version} from the receiver's firmware repository with ${authorization.name}` };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!startsWith(bytes, NFW_MAGIC)) throw new Error(`rollback package: ${file.name} is not a signed firmware package (.nfw files start with ${NFW_MAGIC})`);
  body.package = base64(bytes);
  return { body, packageBytes: bytes.length, describes: `${file.name} (${bytes.length} bytes) with ${authorization.name}` };
}
