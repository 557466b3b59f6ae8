using Hearth.Core.Algorithms;

namespace Hearth.Core.Reservations;

/// <summary>
/// What the call path needs from the reservations, rebuilt after every reconciliation: which builds a caller's
/// reservations serve, so a call can fall back to a previous build's warm instances while a roll completes, and
/// which reservation a finished call counts toward.
/// </summary>
public sealed class ReservationRoutes
{
    public static readonly ReservationRoutes Empty = new([]);

    private readonly List<Route> _routes;

    private ReservationRoutes(List<Route> routes) => _routes = routes;

    private sealed record Route(string ReservationId, string Account, AlgorithmName Algorithm, VersionType Type, IReadOnlyList<string> Serving);

    public static ReservationRoutes Of(IEnumerable<ReservationDefinition> reservations, ReservationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentNullException.ThrowIfNull(plan);
        var routes = new List<Route>();
        foreach (var reservation in reservations.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            if (plan.StatusOf(reservation.Id) is { ServingHashes.Count: > 0 } status)
            {
                routes.Add(new Route(reservation.Id, reservation.CallingUser, reservation.Algorithm, reservation.VersionType, status.ServingHashes));
            }
        }

        return new ReservationRoutes(routes);
    }

    /// <summary>
    /// The builds, in order, whose warm instances may serve a call from <paramref name="account"/> that resolved to
    /// <paramref name="hash"/>: that build first, then the previous builds of a rolling reservation that follows the
    /// same reference (<c>latest</c> for <c>latest_public</c>, <c>latestPrivate</c> for <c>latest_private</c>). A call
    /// that names a version or a hash gets exactly that build.
    /// A publish is visible to calls before the next reconciliation starts the roll; until then the reservation still
    /// serves only the build it had, and that build is the fallback, so no call in that window pays a cold start.
    /// </summary>
    public IReadOnlyList<string> Candidates(string account, AlgorithmName algorithm, VersionReferenceKind reference, string hash)
    {
        var type = reference switch
        {
            VersionReferenceKind.LatestPublic => VersionType.LatestPublic,
            VersionReferenceKind.LatestPrivate => VersionType.LatestPrivate,
            _ => (VersionType?)null,
        };
        foreach (var route in _routes)
        {
            if (route.Type != type || route.Account != account || route.Algorithm != algorithm)
            {
                continue;
            }

            if (route.Serving[0] == hash)
            {
                return route.Serving;
            }

            if (!route.Serving.Contains(hash, StringComparer.Ordinal))
            {
                return [hash, .. route.Serving];
            }
        }

        return [hash];
    }

    /// <summary>
    /// The reservation a call from <paramref name="account"/> served on <paramref name="hash"/> counts toward, and how:
    /// warm when one of its instances served it, spilled when the reservation serves that build but another instance did.
    /// Null when no reservation of the account serves that build.
    /// </summary>
    public (string ReservationId, ReservedCallOutcome Outcome)? Attribute(string account, string hash, string? servedByReservation)
    {
        Route? covering = null;
        foreach (var route in _routes)
        {
            if (route.Account != account || !route.Serving.Contains(hash, StringComparer.Ordinal))
            {
                continue;
            }

            if (route.ReservationId == servedByReservation)
            {
                return (route.ReservationId, ReservedCallOutcome.Warm);
            }

            covering ??= route;
        }

        return covering is null ? null : (covering.ReservationId, ReservedCallOutcome.Spilled);
    }
}
