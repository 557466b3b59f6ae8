using System.Threading.Channels;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Supervisor.Algorithms;
using Microsoft.Extensions.Logging;

namespace Hearth.Supervisor.Reservations;

/// <summary>
/// The accounts and algorithms the reservations resolve against, held in memory for the scheduling loop, which must
/// never wait on the store: a slow database would hold up every job dispatch. Its own task reloads them when a
/// reservation, an algorithm or a membership changes, and every <see cref="RefreshInterval"/> while any reservation
/// exists (memberships are cached for as long by the account service); each reload nudges the loop.
/// </summary>
internal sealed partial class ReservationInputs : IDisposable
{
    public static readonly TimeSpan RefreshInterval = AccountService.CacheLifetime;

    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly ReservationBook _book;
    private readonly ReservationCatalogSource _source;
    private readonly AlgorithmCatalog _algorithms;
    private readonly AccountService _accounts;
    private readonly TimeProvider _time;
    private readonly ILogger<ReservationInputs> _logger;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private volatile Loaded _current = new(new CatalogSnapshot(new Dictionary<string, Caller>(), new Dictionary<AlgorithmName, CatalogEntry>()), [], []);
    private volatile bool _stale;

    /// <summary>A snapshot and the names it was loaded for (found or not), so the loop can tell whether it covers the reservations.</summary>
    private sealed record Loaded(CatalogSnapshot Catalog, HashSet<string> Accounts, HashSet<AlgorithmName> Algorithms);

    public ReservationInputs(ReservationBook book, ReservationCatalogSource source, AlgorithmCatalog algorithms, AccountService accounts, TimeProvider time,
        ILogger<ReservationInputs> logger)
    {
        _book = book;
        _source = source;
        _algorithms = algorithms;
        _accounts = accounts;
        _time = time;
        _logger = logger;
        _book.Changed += Wake;
        _algorithms.Changed += Invalidate;
        _accounts.MembershipsChanged += Invalidate;
    }

    /// <summary>Raised after each reload, so the loop reconciles against it.</summary>
    public event Action? Refreshed;

    /// <summary>
    /// The snapshot, when it was loaded for every account and algorithm of <paramref name="reservations"/>; otherwise
    /// null, and a reload is on its way.
    /// </summary>
    public CatalogSnapshot? For(IReadOnlyList<ReservationDefinition> reservations)
    {
        var current = _current;
        foreach (var reservation in reservations)
        {
            if (!current.Accounts.Contains(reservation.CallingUser) || !current.Algorithms.Contains(reservation.Algorithm))
            {
                Wake();
                return null;
            }
        }

        return current.Catalog;
    }

    /// <summary>Reloads until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = _book.Definitions().Count > 0 ? RefreshInterval : Timeout.InfiniteTimeSpan;
            using (var timeout = new CancellationTokenSource(wait, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    await _wake.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
                    _wake.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The refresh interval passed: reload, so memberships and other supervisors' changes show.
                    _stale = true;
                }
            }

            try
            {
                await ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReloadFailed(e);
                _stale = true;
                await Task.Delay(RetryAfterFailure, _time, cancellationToken).ConfigureAwait(false);
                Wake();
            }
        }
    }

    public void Dispose()
    {
        _book.Changed -= Wake;
        _algorithms.Changed -= Invalidate;
        _accounts.MembershipsChanged -= Invalidate;
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void Invalidate()
    {
        _stale = true;
        Wake();
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var reservations = _book.Definitions();
        var current = _current;
        var covered = reservations.All(r => current.Accounts.Contains(r.CallingUser) && current.Algorithms.Contains(r.Algorithm));
        if (covered && !_stale)
        {
            return;
        }

        _stale = false;
        var catalog = await _source.ForAsync(reservations, cancellationToken).ConfigureAwait(false);
        _current = new Loaded(
            catalog,
            [.. reservations.Select(r => r.CallingUser)],
            [.. reservations.Select(r => r.Algorithm)]);
        Refreshed?.Invoke();
    }
}
