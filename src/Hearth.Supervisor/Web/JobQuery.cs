using Microsoft.AspNetCore.Http;

namespace Hearth.Supervisor.Web;

/// <summary>The jobs page's filters and place, as its query string carries them; blank fields filter nothing.</summary>
public sealed record JobQuery(string? State, string? Account, string? Name, long? Before)
{
    public string? StateFilter => Blank(State);

    public string? AccountFilter => Blank(Account);

    public string? NameFilter => Blank(Name);

    /// <summary>The query string of this query, at <paramref name="before"/> (null for the first page).</summary>
    public string With(long? before) => QueryString.Create(new Dictionary<string, string?>
    {
        ["state"] = StateFilter,
        ["account"] = AccountFilter,
        ["name"] = NameFilter,
        ["before"] = before?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => p.Value is not null)).ToUriComponent();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Which subjob's log the job page shows, which of its attempts, and which page of subjobs.</summary>
public sealed record JobPageView(int? Subjob, int? Attempt, int Page);
