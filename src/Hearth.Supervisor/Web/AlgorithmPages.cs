using Hearth.Core.Algorithms;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Auth;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Hearth.Supervisor.Web;

/// <summary>
/// <c>/admin/algorithms</c>, every algorithm, and <c>/admin/algorithms/{owner}/{name}</c>, one: its versions (public or
/// private), builds, calls and errors of each since the supervisor started, its instances and its reservations.
/// </summary>
public static class AlgorithmPages
{
    public const string Path = "/admin/algorithms";

    public static string AlgorithmPath(string algorithm) =>
        algorithm.Split('/') is [var owner, var name] ? $"{Path}/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(name)}" : Path;

    public static IEndpointRouteBuilder MapAlgorithmPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup(Path).ExcludeFromDescription().RequireAuthorization(HearthAuth.AdminPagePolicy).AddEndpointFilter(AdminFailures.FilterAsync);
        pages.MapGet("", async (IAlgorithmStore store, AlgorithmCatalog catalog, InstancePool pool, AlgorithmMetrics metrics, CancellationToken ct) =>
            new RazorComponentResult<AlgorithmsPage>(new { Algorithms = await ListAsync(store, catalog, pool, metrics, ct).ConfigureAwait(false) }));
        pages.MapGet("/{owner}/{name}", (string owner, string name, AlgorithmCatalog catalog, InstancePool pool, AlgorithmMetrics metrics, ReservationService reservations, CancellationToken ct) =>
            ShowAsync(owner, name, catalog, pool, metrics, reservations, live: false, ct));
        pages.MapGet("/{owner}/{name}/live", (string owner, string name, AlgorithmCatalog catalog, InstancePool pool, AlgorithmMetrics metrics, ReservationService reservations, CancellationToken ct) =>
            ShowAsync(owner, name, catalog, pool, metrics, reservations, live: true, ct));
        return app;
    }

    private static async Task<IReadOnlyList<AlgorithmRow>> ListAsync(
        IAlgorithmStore store, AlgorithmCatalog catalog, InstancePool pool, AlgorithmMetrics metrics, CancellationToken ct)
    {
        var instances = pool.List().GroupBy(i => i.Algorithm).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rows = new List<AlgorithmRow>();
        foreach (var (owner, name) in await store.ListAsync(ct).ConfigureAwait(false))
        {
            var algorithm = new AlgorithmName(owner, name);
            if (await catalog.FindAsync(algorithm, ct).ConfigureAwait(false) is not { } found)
            {
                continue;
            }

            var entry = found.Entry;
            var counts = entry.Builds.Select(b => metrics.Builds.Of(algorithm, b.Hash)).ToList();
            rows.Add(new AlgorithmRow(
                algorithm.ToString(), entry.Builds.Count,
                Latest(entry, Visibility.Public), Latest(entry, Visibility.Private),
                instances.GetValueOrDefault(algorithm.ToString()), counts.Sum(c => c.Calls), counts.Sum(c => c.Errors), found.CreatedAt));
        }

        return [.. rows.OrderBy(r => r.Algorithm, StringComparer.Ordinal)];
    }

    private static string? Latest(AlgorithmEntry entry, Visibility visibility) =>
        entry.Versions.Where(v => v.Visibility == visibility).OrderByDescending(v => v.Version).Select(v => v.Version.ToString()).FirstOrDefault();

    private static async Task<IResult> ShowAsync(
        string owner, string name, AlgorithmCatalog catalog, InstancePool pool, AlgorithmMetrics metrics, ReservationService reservations, bool live, CancellationToken ct)
    {
        var text = $"{owner}/{name}";
        if (!AlgorithmName.TryParse(text, out var algorithm, out _) || await catalog.FindAsync(algorithm, ct).ConfigureAwait(false) is not { } found)
        {
            return AdminFailures.Page($"Algorithm {text} was not found: nothing has been pushed under that name.", StatusCodes.Status404NotFound);
        }

        var entry = found.Entry;
        var versions = entry.Versions.OrderByDescending(v => v.Version).Select(v =>
        {
            var (calls, errors) = metrics.Builds.Of(algorithm, v.Hash);
            return new VersionRow(v.Version.ToString(), AlgorithmCatalog.VisibilityName(v.Visibility), v.Hash, v.PublishedAt, calls, errors);
        }).ToList();
        var builds = entry.Builds.OrderByDescending(b => b.PushedAt).Select(b =>
        {
            var (calls, errors) = metrics.Builds.Of(algorithm, b.Hash);
            var record = found.Builds.GetValueOrDefault(b.Hash);
            return new BuildRow(b.Hash, record?.HashSource ?? "", record?.ArchiveSize ?? 0, string.Join(" ", b.Manifest.Entrypoint), b.Manifest.Resources.ToString(),
                b.Manifest.Build is { Count: > 0 }, b.PushedAt, [.. versions.Where(v => v.Hash == b.Hash).Select(v => v.Version)], calls, errors);
        }).ToList();
        var model = new AlgorithmModel(
            text, found.CreatedAt, versions, builds,
            [.. pool.List().Where(i => i.Algorithm == text).Select(InstanceRow.Of)],
            [.. reservations.List().Where(r => r.Algorithm == text || r.Algorithm.StartsWith(text + "/", StringComparison.Ordinal))]);
        return live
            ? new RazorComponentResult<AlgorithmLive>(new { Model = model })
            : new RazorComponentResult<AlgorithmPage>(new { Model = model });
    }
}
