// The confirmation dialog (<dialog> in index.html: modal, so focus stays inside it and
// Escape cancels) every action that changes something goes through.
import { replace } from './dom.js';

//! Asks for confirmation in the <dialog>; runs `action` on confirm. The dialog stays open
//! showing the API's error when the action is refused. Resolves true once it succeeded.
export function confirmAction({ title, text, extra, confirmLabel, danger, action }) {
  const dialog = document.getElementById('confirm');
  const ok = document.getElementById('confirm-ok');
  const cancel = document.getElementById('confirm-cancel');
  const error = document.getElementById('confirm-error');
  replace(document.getElementById('confirm-title'), title);
  replace(document.getElementById('confirm-text'), text);
  replace(document.getElementById('confirm-extra'), extra || '');
  replace(ok, confirmLabel || 'Confirm');
  ok.className = `button ${danger ? 'danger' : 'primary'}`;
  error.hidden = true;
  return new Promise((resolve) => {
    const close = (result) => {
      ok.onclick = null;
      cancel.onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(result);
    };
    ok.onclick = async () => {
      ok.disabled = true;
      try {
        await action();
        close(true);
      } catch (e) {
        replace(error, e.message);
        error.hidden = false;
      } finally {
        ok.disabled = false;
      }
    };
    cancel.onclick = () => close(false);
    dialog.onclose = () => close(false);
    dialog.showModal();
    cancel.focus();
  });
}

