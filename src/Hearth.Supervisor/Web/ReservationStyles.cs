namespace Hearth.Supervisor.Web;

/// <summary>The reservations page's own styles: the form dialog, the status cell and the action menu.</summary>
internal static class ReservationStyles
{
    public const string Css = """
        .toolbar { margin: .5rem 0 1rem; }
        button.primary { background: #1f6feb; color: #fff; border: 1px solid #1a5fd0; border-radius: .3rem; cursor: pointer; }
        button.danger { color: #cf222e; }
        .notice { background: #ddf4ff; border: 1px solid #b6e3ff; padding: .4rem .7rem; border-radius: .3rem; max-width: 60rem; }
        table.reservations td { vertical-align: top; }
        table.reservations .reason { color: #57606a; font-size: .85rem; max-width: 32rem; margin-top: .2rem; }
        table.reservations .counts { font-size: .85rem; margin-left: .3rem; }
        table.reservations .schedule { color: #57606a; font-size: .8rem; }
        .state.ready { background: #dafbe1; }
        .state.failing { background: #ffebe9; }
        details.menu { position: relative; }
        details.menu > summary { list-style: none; cursor: pointer; padding: 0 .5rem; border-radius: .3rem; font-size: 1.2rem; line-height: 1.4rem; }
        details.menu > summary::-webkit-details-marker { display: none; }
        details.menu > summary:hover, details.menu[open] > summary { background: #eef1f4; }
        details.menu .menu-items { position: absolute; right: 0; z-index: 10; background: #fff; border: 1px solid #d0d7de; border-radius: .3rem;
            box-shadow: 0 4px 12px rgba(0,0,0,.12); padding: .25rem 0; min-width: 12rem; }
        details.menu .menu-items button { display: block; width: 100%; text-align: left; background: none; border: 0; padding: .4rem .8rem; cursor: pointer; }
        details.menu .menu-items a { display: block; padding: .4rem .8rem; color: inherit; text-decoration: none; }
        details.menu .menu-items button:hover, details.menu .menu-items a:hover { background: #f6f8fa; }
        dialog#add-dialog, dialog#count-dialog { border: 1px solid #d0d7de; border-radius: .5rem; padding: 1rem 1.25rem; width: min(34rem, 92vw); }
        dialog#count-dialog { width: min(24rem, 92vw); }
        dialog#add-dialog::backdrop, dialog#count-dialog::backdrop { background: rgba(27,31,36,.45); }
        dialog h2 { margin-top: 0; }
        .reservation-form .field { display: grid; gap: .2rem; margin-bottom: .6rem; }
        .reservation-form input, .reservation-form select, .reservation-form textarea { font: inherit; padding: .35rem .5rem; }
        .reservation-form [aria-invalid="true"] { border: 1px solid #cf222e; outline-color: #cf222e; }
        .reservation-form .field-error { color: #cf222e; margin: 0; min-height: 1em; font-size: .85rem; }
        .reservation-form .hint { font-size: .8rem; }
        .reservation-form .buttons { display: flex; justify-content: flex-end; gap: .5rem; }
        .reservation-form a.button { padding: .35rem .6rem; border: 1px solid #767676; border-radius: .2rem; background: #efefef; color: inherit; text-decoration: none; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        """;
}
