using System.Text.Json;
using Hearth.Core.Algorithms;
using Hearth.Core.Reservations;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Reservations;

/// <summary>
/// Adding, changing and removing reservations for the admin API and the admin page: each checked with the same rules
/// (<see cref="ReservationRules"/>), stored, then put in the <see cref="ReservationBook"/> for the loop to reconcile.
/// </summary>
internal sealed class ReservationService(IReservationStore store, ReservationBook book, IReservationCatalogSource catalogs, TimeProvider time)
    : IDisposable
{
    /// <summary>One change at a time, so the duplicate check and the write cannot interleave with another change.</summary>
    private readonly SemaphoreSlim _writes = new(1, 1);

    public IReadOnlyList<ReservationView> List() => book.Views(time.GetUtcNow());

    public ReservationView? Find(long id) => book.View(id, time.GetUtcNow());

    /// <summary>Checks the fields the way <see cref="AddAsync"/> does, without adding anything.</summary>
    public async Task<IReadOnlyList<FieldError>> CheckAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var catalog = await CatalogForAsync(request, cancellationToken).ConfigureAwait(false);
        return ReservationRules.Check(request, "new", catalog, book.Definitions(), time.GetUtcNow()).Errors;
    }

    public async Task<ReservationChange> AddAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var catalog = await CatalogForAsync(request, cancellationToken).ConfigureAwait(false);
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var check = ReservationRules.Check(request, "new", catalog, book.Definitions(), time.GetUtcNow());
            if (check.Definition is not { } definition)
            {
                return new ReservationChange(null, check.Errors);
            }

            ReservationRecord stored;
            try
            {
                stored = await store.AddAsync(ReservationRecords.ToRecord(definition), cancellationToken).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException e)
            {
                return new ReservationChange(null, [new FieldError(ReservationFields.Algorithm, e.Message)]);
            }

            book.Put(stored);
            return new ReservationChange(book.View(stored.Id, time.GetUtcNow()), []);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Changes the count; the reconciler starts or releases instances on its next pass, with no restart.</summary>
    public async Task<ReservationChange> SetCountAsync(long id, string? countText, CancellationToken cancellationToken)
    {
        var count = InstanceCount.Parse(countText, "count", out var error);
        if (count is null)
        {
            return new ReservationChange(null, [new FieldError(ReservationFields.Count, error!)]);
        }

        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (book.Find(id) is not { } current)
            {
                return new ReservationChange(null, [], NotFound: true);
            }

            var updated = await store.SetCountAsync(id, count.Value, current.Version, cancellationToken).ConfigureAwait(false);
            if (updated is null)
            {
                return new ReservationChange(null, [], NotFound: true);
            }

            book.Put(updated);
            return new ReservationChange(book.View(id, time.GetUtcNow()), []);
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Removes a reservation; its instances return to the ordinary idle pool on the loop's next pass.</summary>
    public async Task<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var removed = await store.RemoveAsync(id, cancellationToken).ConfigureAwait(false);
            if (removed || book.Find(id) is not null)
            {
                book.Remove(id);
            }

            return removed;
        }
        finally
        {
            _writes.Release();
        }
    }

    public void Dispose() => _writes.Dispose();

    /// <summary>The API's body as the rules take it: every field as text, the count quoted as it was written.</summary>
    public static ReservationRequest FromBody(CreateReservationRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var algorithmia = body.Username is not null || body.Algoname is not null;
        var algorithm = algorithmia
            ? $"{body.Username?.Trim()}/{body.Algoname?.Trim()}" + (string.IsNullOrWhiteSpace(body.VersionIdentifier) ? "" : "/" + body.VersionIdentifier.Trim())
            : body.Algorithm;
        return new ReservationRequest(
            body.CallingUser,
            algorithm,
            body.VersionType,
            JsonText(body.Count ?? body.NumSlots),
            body.Schedule?.Select(w => new ScheduleWindowInput(w.Start, w.End, JsonText(w.Count))).ToList(),
            body.TimeZone);
    }

    /// <summary>
    /// What is wrong with mixing Algorithmia's shape (<c>username</c>, <c>algoname</c>, <c>num_slots</c>,
    /// <c>version_identifier</c>) and Hearth's (<c>algorithm</c>, <c>count</c>), or giving half of Algorithmia's name.
    /// </summary>
    public static IReadOnlyList<FieldError> ShapeErrors(CreateReservationRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new List<FieldError>();
        var algorithmia = body.Username is not null || body.Algoname is not null || body.VersionIdentifier is not null;
        if (algorithmia && body.Algorithm is not null)
        {
            errors.Add(new FieldError(ReservationFields.Algorithm, "give either algorithm (OWNER/NAME[/VERSION]) or Algorithmia's username, algoname and version_identifier, not both"));
        }
        else if (algorithmia && (string.IsNullOrWhiteSpace(body.Username) || string.IsNullOrWhiteSpace(body.Algoname)))
        {
            errors.Add(new FieldError(ReservationFields.Algorithm, "username (the algorithm's owner) and algoname are both required in Algorithmia's shape"));
        }

        if (body.Count is not null && body.NumSlots is not null)
        {
            errors.Add(new FieldError(ReservationFields.Count, "give either count or Algorithmia's num_slots, not both"));
        }

        return errors;
    }

    /// <summary>A JSON value as the text the rules check: a string's contents, a number as written, null as missing.</summary>
    public static string? JsonText(JsonElement? value) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { } other => other.GetRawText(),
    };

    private Task<IReservationCatalog> CatalogForAsync(ReservationRequest request, CancellationToken cancellationToken)
    {
        var user = request.CallingUser?.Trim();
        var parts = request.Algorithm?.Trim().Split('/');
        AlgorithmName? algorithm = parts is { Length: 2 or 3 } && Names.IsValid(parts[0]) && Names.IsValid(parts[1])
            ? new AlgorithmName(parts[0], parts[1])
            : null;
        return catalogs.ForAsync(Names.IsValid(user) ? user : null, algorithm, cancellationToken);
    }
}
