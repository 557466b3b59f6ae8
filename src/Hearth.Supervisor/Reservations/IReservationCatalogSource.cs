using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;

namespace Hearth.Supervisor.Reservations;

/// <summary>What the rules need to know, loaded for one request: the calling user's account and the algorithm named.</summary>
internal interface IReservationCatalogSource
{
    /// <summary>A catalog that knows at least <paramref name="account"/> and <paramref name="algorithm"/> (either may be null when malformed).</summary>
    Task<IReservationCatalog> ForAsync(string? account, AlgorithmName? algorithm, CancellationToken cancellationToken);
}
