namespace Hearth.Supervisor.Web;

/// <summary>
/// The admin area's shared script, inlined like its styles. Every page works without it; it adds:
/// <list type="bullet">
/// <item>live parts: an element with <c>data-live="URL"</c> is replaced by that URL's HTML every two seconds, except
/// while someone is using it (a field inside has focus, a menu or dialog is open);</item>
/// <item>confirmation: a form with <c>data-confirm="QUESTION"</c> posts only once the question is answered yes;</item>
/// <item>log tails: a <c>pre</c> with <c>data-tail="URL"</c> asks that URL for new output twice a second and appends it,
/// until the URL says the output has ended.</item>
/// </list>
/// A signed-out session (a refresh answered by the sign-in page) reloads, so the page shows the sign-in.
/// </summary>
internal static class AdminScript
{
    public const string Js = """
        (function () {
            const status = document.getElementById('refresh-status');
            function busy(el) {
                return el.contains(document.activeElement) && document.activeElement !== document.body
                    || el.querySelector('details[open], dialog[open]') !== null
                    || document.querySelector('dialog[open]') !== null;
            }
            document.querySelectorAll('[data-live]').forEach(function (el) {
                async function refresh() {
                    if (busy(el)) { return; }
                    try {
                        const response = await fetch(el.dataset.live, { credentials: 'same-origin', cache: 'no-store' });
                        if (response.status === 401 || response.redirected) { location.reload(); return; }
                        if (response.ok) {
                            el.innerHTML = await response.text();
                            if (status) { status.textContent = 'Refreshed every two seconds; last at ' + new Date().toLocaleTimeString() + '.'; }
                        } else if (status) {
                            status.textContent = 'Refresh failed: HTTP ' + response.status + '; retrying.';
                        }
                    } catch (e) {
                        if (status) { status.textContent = 'The supervisor cannot be reached; retrying.'; }
                    }
                }
                setInterval(refresh, 2000);
            });
            document.addEventListener('submit', function (e) {
                const question = e.target.dataset && e.target.dataset.confirm;
                if (question && !window.confirm(question)) { e.preventDefault(); }
            }, true);
            document.querySelectorAll('pre[data-tail]').forEach(function (pre) {
                let last = pre.dataset.last;
                async function follow() {
                    try {
                        const response = await fetch(pre.dataset.tail + '&after=' + last, { credentials: 'same-origin', cache: 'no-store' });
                        if (response.status === 401 || response.redirected) { location.reload(); return; }
                        if (response.ok) {
                            const tail = await response.json();
                            const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 8;
                            if (tail.text) { pre.textContent += tail.text; }
                            last = tail.last;
                            if (atEnd) { pre.scrollTop = pre.scrollHeight; }
                            if (tail.ended) { pre.dataset.state = 'ended'; return; }
                        }
                    } catch (e) { }
                    setTimeout(follow, 500);
                }
                pre.scrollTop = pre.scrollHeight;
                if (pre.dataset.state !== 'ended') { setTimeout(follow, 500); }
            });
        })();
        """;
}
