using System.Collections.Concurrent;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Algorithms;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Reservations;

/// <summary>
/// Loads what the reservation rules ask about from the supervisor's account store and algorithm catalog. Algorithms
/// come from the catalog's memory; an account, once seen, is remembered (accounts are never deleted), and its
/// memberships come from the account service's short-lived cache.
/// </summary>
internal sealed class ReservationCatalogSource(IAccountStore accounts, AccountService callers, AlgorithmCatalog algorithms) : IReservationCatalogSource
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public async Task<IReservationCatalog> ForAsync(string? account, AlgorithmName? algorithm, CancellationToken cancellationToken) =>
        await LoadAsync(account is null ? [] : [account], algorithm is { } a ? [a] : [], cancellationToken).ConfigureAwait(false);

    /// <summary>Everything the given reservations resolve against.</summary>
    public Task<CatalogSnapshot> ForAsync(IReadOnlyList<ReservationDefinition> reservations, CancellationToken cancellationToken) =>
        LoadAsync([.. reservations.Select(r => r.CallingUser)], [.. reservations.Select(r => r.Algorithm)], cancellationToken);

    private async Task<CatalogSnapshot> LoadAsync(IReadOnlyList<string> names, IReadOnlyList<AlgorithmName> algorithmNames, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Caller>(StringComparer.Ordinal);
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (!_known.ContainsKey(name))
            {
                if (await accounts.FindAsync(name, cancellationToken).ConfigureAwait(false) is null)
                {
                    continue;
                }

                _known[name] = true;
            }

            found[name] = await callers.CallerAsync(name, cancellationToken).ConfigureAwait(false);
        }

        var entries = new Dictionary<AlgorithmName, CatalogEntry>();
        foreach (var name in algorithmNames.Distinct())
        {
            if (await algorithms.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                entries[name] = entry;
            }
        }

        return new CatalogSnapshot(found, entries);
    }
}
