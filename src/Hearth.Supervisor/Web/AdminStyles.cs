namespace Hearth.Supervisor.Web;

/// <summary>The admin area's stylesheet, inlined so the pages need no static files.</summary>
internal static class AdminStyles
{
    public const string Css = """
        :root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d232a; background: #f4f5f7; font-size: 15px; }
        body { margin: 0; }
        a { color: #0b62c4; text-decoration: none; }
        a:hover { text-decoration: underline; }
        code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em; }
        header.top { display: flex; align-items: center; gap: 1.75rem; padding: 0 1.5rem; height: 3.2rem; background: #1b1f24; color: #fff;
            box-shadow: 0 1px 0 #000, 0 2px 8px rgba(0,0,0,.15); position: sticky; top: 0; z-index: 20; }
        header.top .brand { font-weight: 700; letter-spacing: .03em; color: #fff; font-size: 1.1rem; display: flex; align-items: center; gap: .4rem; }
        header.top .brand:hover { text-decoration: none; }
        header.top .brand svg { width: 1.1rem; height: 1.1rem; }
        header.top nav { display: flex; gap: .25rem; height: 100%; }
        header.top nav a { color: #c9d1d9; display: flex; align-items: center; padding: 0 .75rem; border-bottom: 3px solid transparent; }
        header.top nav a:hover { color: #fff; text-decoration: none; background: #262c33; }
        header.top nav a.current { color: #fff; border-bottom-color: #f0883e; }
        header.top .logout { margin-left: auto; }
        header.top .logout button { background: transparent; color: #c9d1d9; border: 1px solid #444c56; border-radius: .35rem; cursor: pointer; }
        header.top .logout button:hover { color: #fff; border-color: #768390; }
        main { padding: 1.25rem 1.5rem 3rem; max-width: 90rem; }
        h1 { font-size: 1.5rem; margin: .25rem 0 1rem; display: flex; align-items: center; gap: .6rem; flex-wrap: wrap; }
        h2 { font-size: 1.05rem; margin: 0 0 .6rem; display: flex; align-items: baseline; gap: .5rem; flex-wrap: wrap; }
        .crumbs { margin: 0; color: #57606a; font-size: .9rem; }
        section, .card { background: #fff; border: 1px solid #d8dee4; border-radius: .5rem; padding: 1rem 1.1rem; margin-bottom: 1.1rem; overflow-x: auto; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1.1rem; margin-bottom: 1.1rem; }
        .cards > section { margin-bottom: 0; }
        .count { font-weight: 400; font-size: .85rem; color: #57606a; }
        table { border-collapse: collapse; background: #fff; width: 100%; }
        th, td { padding: .4rem .7rem; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
        th { font-weight: 600; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #57606a; background: #f6f8fa; }
        tbody tr:hover { background: #f8fafc; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.accounts td.num { white-space: nowrap; }
        dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.2rem; margin: 0; }
        dl.fields dt { color: #57606a; }
        dl.fields dd { margin: 0; word-break: break-word; }
        .state { display: inline-block; padding: .08rem .55rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; background: #eef1f4; color: #424a53; white-space: nowrap; }
        h1 .state { font-size: .9rem; }
        .state.up, .state.complete, .state.idle, .state.ready, .state.active { background: #dafbe1; color: #116329; }
        .state.running, .state.busy { background: #ddf4ff; color: #0550ae; }
        .state.pending, .state.starting, .state.blocked, .state.unreachable, .state.locked { background: #fff8c5; color: #7d4e00; }
        .state.down, .state.failed, .state.killed, .state.revoked, .state.failing { background: #ffebe9; color: #a40e26; }
        .state.stopping { background: #eae4f7; color: #5a32a3; }
        .state.public { background: #dafbe1; color: #116329; }
        .state.private { background: #eae4f7; color: #5a32a3; }
        .empty, .hint { color: #57606a; }
        .hint { font-size: .85rem; }
        .error { color: #cf222e; }
        .reason { color: #7d4e00; font-size: .85rem; }
        .notice { background: #ddf4ff; border: 1px solid #b6e3ff; padding: .5rem .8rem; border-radius: .4rem; }
        .failure { background: #ffebe9; border: 1px solid #ffcecb; color: #a40e26; padding: .5rem .8rem; border-radius: .4rem; }
        .secret { background: #fff8c5; border: 1px solid #eac54f; padding: .7rem .9rem; border-radius: .4rem; }
        .secret code { font-size: 1rem; user-select: all; background: #fff; padding: .15rem .4rem; border-radius: .25rem; border: 1px solid #eac54f; }
        form.login { display: grid; gap: .5rem; max-width: 24rem; background: #fff; border: 1px solid #d8dee4; border-radius: .5rem; padding: 1.2rem; }
        input, button, select { font: inherit; padding: .35rem .65rem; border: 1px solid #d0d7de; border-radius: .35rem; background: #fff; }
        input:focus, select:focus { outline: 2px solid #0969da55; border-color: #0969da; }
        button { cursor: pointer; background: #f6f8fa; }
        button:hover { background: #eef1f4; border-color: #afb8c1; }
        button.primary { background: #1f883d; color: #fff; border-color: #1a7f37; }
        button.primary:hover { background: #1a7f37; }
        button.danger { color: #cf222e; }
        button.danger:hover { background: #cf222e; color: #fff; border-color: #a40e26; }
        form.inline { display: inline-flex; gap: .4rem; align-items: center; margin: 0 .4rem .3rem 0; }
        .actions { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
        .toolbar { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
        .toolbar label { display: grid; gap: .2rem; font-size: .8rem; color: #57606a; }
        .pager { display: flex; gap: 1rem; align-items: center; margin-top: .7rem; }
        .meter { display: inline-block; width: 6rem; height: .5rem; background: #eaeef2; border-radius: .25rem; vertical-align: middle; overflow: hidden; margin-right: .4rem; }
        .meter > span { display: block; height: 100%; background: #2da44e; }
        .meter.high > span { background: #d4a72c; }
        .meter.full > span { background: #cf222e; }
        pre.log { background: #0d1117; color: #e6edf3; padding: .8rem 1rem; border-radius: .4rem; max-height: 28rem; overflow: auto; white-space: pre-wrap; word-break: break-all; margin: .5rem 0 0; min-height: 4rem; }
        pre.log[data-state=ended]::after { content: "\2014  end of output  \2014"; display: block; color: #768390; margin-top: .4rem; }
        .tail-head { display: flex; gap: .8rem; align-items: center; flex-wrap: wrap; }
        .tail-head a.current { font-weight: 700; }
        .key { display: flex; gap: .45rem; align-items: center; margin-bottom: .3rem; }
        .key form.inline { margin: 0; }
        .tags span { display: inline-block; background: #eef1f4; border-radius: .3rem; padding: 0 .4rem; margin-right: .25rem; font-size: .85rem; }
        .frame-grid { display: flex; flex-wrap: wrap; gap: 3px; }
        .frame-grid .cell { min-width: 2.4rem; padding: .2rem .3rem; border-radius: .25rem; font-size: .75rem; font-variant-numeric: tabular-nums;
            text-align: center; background: #eef1f4; color: #424a53; border: 1px solid #d0d7de; }
        .frame-grid a.cell:hover { text-decoration: none; outline: 2px solid #0969da; }
        .frame-grid .cell.complete { background: #2da44e; border-color: #1a7f37; color: #fff; }
        .frame-grid .cell.running { background: #54aeff; border-color: #0969da; color: #fff; }
        .frame-grid .cell.failed { background: #cf222e; border-color: #a40e26; color: #fff; }
        .frame-grid .cell.blocked { background: #d4a72c; border-color: #9a6700; color: #fff; }
        .frame-grid .cell.killed { background: #8c959f; border-color: #6e7781; color: #fff; }
        .stat { display: inline-flex; flex-direction: column; margin-right: 1.6rem; }
        .stat b { font-size: 1.3rem; }
        .stat span { color: #57606a; font-size: .8rem; }
        """;
}
