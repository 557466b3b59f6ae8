namespace Hearth.Supervisor.Web;

/// <summary>The admin area's stylesheet, inlined so the pages need no static files.</summary>
internal static class AdminStyles
{
    public const string Css = """
        :root { font-family: system-ui, sans-serif; color: #1d232a; background: #f6f7f9; }
        body { margin: 0; }
        header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: #1d232a; color: #fff; }
        header.top .brand { font-weight: 700; letter-spacing: .03em; }
        header.top nav a { color: #c9d1d9; text-decoration: none; margin-right: 1rem; }
        header.top nav a.current { color: #fff; border-bottom: 2px solid #f0883e; }
        header.top .logout { margin-left: auto; }
        main { padding: 1rem 1.5rem; max-width: 80rem; }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        .count { font-weight: 400; font-size: .9rem; color: #57606a; margin-left: .5rem; }
        table { border-collapse: collapse; background: #fff; min-width: 40rem; }
        th, td { padding: .3rem .7rem; border-bottom: 1px solid #e1e4e8; text-align: left; }
        th { background: #eef1f4; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .state { padding: .05rem .45rem; border-radius: .6rem; font-size: .85rem; background: #eef1f4; }
        .state.up, .state.complete { background: #dafbe1; }
        .state.running { background: #ddf4ff; }
        .state.pending, .state.unreachable, .state.locked { background: #fff8c5; }
        td.lock form { display: inline; }
        .state.down, .state.failed, .state.killed { background: #ffebe9; }
        .empty, .hint { color: #57606a; }
        .error { color: #cf222e; }
        form.login { display: grid; gap: .5rem; max-width: 24rem; }
        input, button { font: inherit; padding: .35rem .6rem; }
        """;
}
