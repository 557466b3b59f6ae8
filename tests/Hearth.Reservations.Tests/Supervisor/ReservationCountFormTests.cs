using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Reservations;
using Hearth.Supervisor.Storage;
using Hearth.Supervisor.Storage.Sqlite;
using Hearth.Supervisor.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.Time.Testing;
using static Hearth.Reservations.Tests.TestCatalog;

namespace Hearth.Reservations.Tests.Supervisor;

/// <summary>
/// The admin page's Change count form over the real <see cref="ReservationService"/> and a SQLite store: what the form
/// carries, the message it shows beside the field for each refused count, and a reservation removed meanwhile.
/// </summary>
public sealed class ReservationCountFormTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hearth-count-form-").FullName;
    private SqliteBackend _backend = null!;
    private ReservationBook _book = null!;
    private ReservationService _service = null!;
    private long _id;

    public async ValueTask InitializeAsync()
    {
        _backend = SqliteBackend.InDirectory(_directory, TimeProvider.System);
        await _backend.MigrateAsync(CancellationToken.None);
        _book = new ReservationBook();
        _service = new ReservationService(_backend.Reservations, _book, new NoCatalogs(), new FakeTimeProvider(T0));
        var stored = await _backend.Reservations.AddAsync(
            new ReservationRecord(0, "alice", "acme", "model", "latest_public", null, 1, null, "UTC", T0, 0, 0, 0), CancellationToken.None);
        _book.Put(stored);
        _id = stored.Id;
    }

    public async ValueTask DisposeAsync()
    {
        _service.Dispose();
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void TheFormOpensWithTheReservationsCurrentCount()
    {
        var form = ReservationCountForm.For(_service.Find(_id)!);

        Assert.Equal(new ReservationCountForm(_id, "1", []), form with { Errors = [] });
        Assert.Empty(form.Errors);
        Assert.Null(form.Error);
    }

    [Theory]
    [InlineData("abc", "abc")]
    [InlineData(" 2 ", " 2 ")]
    [InlineData("", "")]
    public void APostedCountIsKeptAsTypedSoARefusalShowsItBack(string typed, string kept)
    {
        var form = ReservationCountForm.Of(_id, Posted(typed));

        Assert.Equal(_id, form.ReservationId);
        Assert.Equal(kept, form.Count);
    }

    [Fact]
    public void AFormPostedWithoutTheCountFieldHasNoCount() =>
        Assert.Null(ReservationCountForm.Of(_id, new FormCollection([])).Count);

    [Theory]
    [InlineData("", "count is required: a positive integer such as 1")]
    [InlineData("   ", "count is required: a positive integer such as 1")]
    [InlineData("abc", "count \"abc\" is not an integer; give a positive whole number such as 1")]
    [InlineData("2.5", "count \"2.5\" is not an integer; give a positive whole number such as 1")]
    [InlineData("0", "count is 0; a reservation keeps at least 1 instance warm")]
    [InlineData("-3", "count -3 is negative; give a positive whole number such as 1")]
    [InlineData("1001", "count 1001 is too large; at most 1000 instances")]
    public async Task EachRefusedCountIsShownBesideTheFieldWithWhatIsWrong(string typed, string message)
    {
        var form = ReservationCountForm.Of(_id, Posted(typed));

        var change = await _service.SetCountAsync(form.ReservationId, form.Count, CancellationToken.None);
        var shown = form with { Errors = change.Errors };

        Assert.False(change.Succeeded);
        Assert.False(change.NotFound);
        Assert.Equal(message, shown.Error);
        Assert.Equal([ReservationFields.Count], change.Errors.Select(e => e.Field));
        Assert.Equal(1, _service.Find(_id)!.Count);
        Assert.Equal(1, (await _backend.Reservations.ListAsync(CancellationToken.None)).Single().Count);
    }

    [Fact]
    public async Task AnAcceptedCountIsStoredAndListed()
    {
        var form = ReservationCountForm.Of(_id, Posted(" 2 "));

        var change = await _service.SetCountAsync(form.ReservationId, form.Count, CancellationToken.None);

        Assert.True(change.Succeeded);
        Assert.Equal(2, change.Reservation!.Count);
        Assert.Equal(2, _service.Find(_id)!.Count);
        Assert.Equal(2, (await _backend.Reservations.ListAsync(CancellationToken.None)).Single().Count);
    }

    [Fact]
    public async Task AReservationRemovedBeforeTheChangeIsNotFoundAndNothingIsStored()
    {
        Assert.True(await _service.RemoveAsync(_id, CancellationToken.None));

        var change = await _service.SetCountAsync(_id, "2", CancellationToken.None);

        Assert.True(change.NotFound);
        Assert.Empty(change.Errors);
        Assert.Empty(await _backend.Reservations.ListAsync(CancellationToken.None));
    }

    [Fact]
    public void TheDialogNamesTheReservationAndSaysWhatTheCountMeansForAScheduledOne()
    {
        var plain = _service.Find(_id)!;
        var scheduled = plain with { Schedule = [new ScheduleWindowView("0 8 * * *", "0 18 * * *", 5)] };

        Assert.Equal($"Reservation {_id}: acme/model (latest_public) for alice.", ReservationCountForm.Describe(plain));
        Assert.Equal($"Reservation {_id}: acme/model (latest_public) for alice. It is scheduled; this is the count it keeps outside its windows.",
            ReservationCountForm.Describe(scheduled));
    }

    private static FormCollection Posted(string count) => new(new Dictionary<string, StringValues> { [ReservationFields.Count] = count });

    /// <summary>Changing a count needs no catalog: the reservation was checked when it was added.</summary>
    private sealed class NoCatalogs : IReservationCatalogSource
    {
        public Task<IReservationCatalog> ForAsync(string? account, AlgorithmName? algorithm, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("changing a count must not look up the catalog");
    }
}
