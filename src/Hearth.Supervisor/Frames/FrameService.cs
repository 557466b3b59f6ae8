using System.Text;
using Hearth.Core.Frames;
using Hearth.Protocol.Rest;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Frames;

/// <summary>What the frame endpoints do: read an agenda job's items from the store, and hand frame actions to the scheduler.</summary>
public sealed class FrameService(Scheduler scheduler, IJobQueries jobs, IFrameQueries frames)
{
    public const int MaxPage = 10_000;

    /// <summary>
    /// A page of the job's items in hand-out order, after index <paramref name="after"/>; null when there is no such job
    /// or <paramref name="access"/> may not see it. Throws <see cref="InvalidRequestException"/> for a bad state or page.
    /// </summary>
    public async Task<FrameListView?> ListAsync(long id, string? state, int? after, int? limit, JobAccess access, CancellationToken cancellationToken)
    {
        if (state is not null && !ItemStates.TryParse(state, out _))
        {
            throw new InvalidRequestException($"state: \"{state}\" is not one of {string.Join(", ", ItemStates.All)}");
        }

        var take = limit ?? MaxPage;
        if (take is < 1 or > MaxPage)
        {
            throw new InvalidRequestException($"limit {take} is out of range: 1 to {MaxPage}");
        }

        if (await FindAgendaAsync(id, access, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var items = await frames.ListItemsAsync(id, state, after ?? -1, take, cancellationToken).ConfigureAwait(false);
        return new FrameListView([.. items.Select(View)], items.Count == take ? items[^1].Index : null);
    }

    /// <summary>The range, chunk and item counts of an agenda job, for its job view; null for another job.</summary>
    public async Task<JobView> AddToAsync(JobView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (await frames.FindAgendaAsync(view.Id, cancellationToken).ConfigureAwait(false) is not { } agenda)
        {
            return view;
        }

        var counts = await frames.CountItemsAsync(view.Id, cancellationToken).ConfigureAwait(false);
        return view with { Range = agenda.Range, Chunk = agenda.Chunk, Frames = ItemStates.All.ToDictionary(s => s, s => counts.GetValueOrDefault(s)) };
    }

    /// <summary>
    /// Carries out <paramref name="action"/> on the items holding <paramref name="range"/>; null when there is no such
    /// job or <paramref name="access"/> may not see it. Throws <see cref="InvalidRequestException"/> for a bad action or
    /// range, and <see cref="FrameActionRefusedException"/> when the job has no such frames or no item it applies to.
    /// </summary>
    public async Task<FrameActionView?> ActAsync(long id, string action, string? range, JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!FrameActions.TryParse(action, out var parsed))
        {
            throw new InvalidRequestException($"action: \"{action}\" is not one of {string.Join(", ", FrameActions.All)}");
        }

        IReadOnlyList<int>? wanted = null;
        if (range is not null)
        {
            try
            {
                wanted = FrameRange.Parse(range).Frames;
            }
            catch (FrameRangeSyntaxException e)
            {
                throw new InvalidRequestException($"range: {e.Message}");
            }
        }

        var details = await jobs.FindJobAsync(id, cancellationToken).ConfigureAwait(false);
        if (details is null || !access.Sees(details.Job.SubmittedBy))
        {
            return null;
        }

        AgendaDetails? storedAgenda = null;
        if (WorkStates.Parse(details.Job.State).IsTerminal() && await frames.FindAgendaAsync(id, cancellationToken).ConfigureAwait(false) is { } agenda)
        {
            storedAgenda = new AgendaDetails(agenda, await AllItemsAsync(id, cancellationToken).ConfigureAwait(false));
        }

        var text = wanted is null ? "all" : RangeText.Format(wanted);
        var (items, counts) = await scheduler.FrameActionAsync(id, parsed, wanted, text, JobAccess.Show(access.Account), details, storedAgenda)
            .ConfigureAwait(false);
        return new FrameActionView(id, parsed.ToText(), items, counts);
    }

    /// <summary>
    /// The output of the item holding <paramref name="frame"/>, its latest attempt or attempt <paramref name="attempt"/>;
    /// null when there is no such job or <paramref name="access"/> may not see it.
    /// </summary>
    public async Task<JobLogsView?> LogsAsync(long id, int frame, int? attempt, JobAccess access, CancellationToken cancellationToken)
    {
        if (await FindAgendaAsync(id, access, cancellationToken).ConfigureAwait(false) is not { } agenda)
        {
            return null;
        }

        var chunk = Agenda.SpecOf(agenda).Plan.Items().Select((c, i) => (Chunk: c, Index: i)).FirstOrDefault(c => c.Chunk.Holds(frame));
        if (chunk.Chunk is null)
        {
            throw new InvalidRequestException($"frame: job {id} has no frame {frame}; its range is {agenda.Range}");
        }

        var item = await frames.FindItemAsync(id, chunk.Index, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidRequestException($"frame: job {id} has no item holding frame {frame}");
        var which = attempt ?? item.Attempt;
        if (which < 1 || which > item.Attempt)
        {
            throw new InvalidRequestException(item.Attempt == 0
                ? $"frame: item {item.Name} of job {id} has not run yet"
                : $"attempt {which} is out of range: item {item.Name} of job {id} has run 1 to {item.Attempt} times");
        }

        var (subjob, run) = which == item.Attempt
            ? (item.Subjob, item.Run)
            : item.Tries?.Attempts.FirstOrDefault(a => a.Attempt == which) is { } past ? (past.Subjob, past.Run) : (null, null);
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        if (subjob is { } index && run is { } number)
        {
            await foreach (var part in jobs.ReadLogAsync(id, index, number, cancellationToken).ConfigureAwait(false))
            {
                (part.Stream == 2 ? stderr : stdout).Write(part.Data);
            }
        }

        return new JobLogsView(id, [new SubjobLogView(subjob ?? 0, which, Decode(stdout), Decode(stderr)) { Item = item.Name }]);
    }

    internal static FrameView View(WorkItemRecord item) => new(
        item.Name, item.First, item.Last, FrameRange.Parse(item.Frames).Frames, item.State, item.Subjob, item.Host, item.Attempt, item.ExitCode,
        item.Error, item.StartedAt, item.FinishedAt);

    private async Task<List<WorkItemRecord>> AllItemsAsync(long id, CancellationToken cancellationToken)
    {
        var all = new List<WorkItemRecord>();
        var after = -1;
        while (true)
        {
            var page = await frames.ListItemsAsync(id, null, after, MaxPage, cancellationToken).ConfigureAwait(false);
            all.AddRange(page);
            if (page.Count < MaxPage)
            {
                return all;
            }

            after = page[^1].Index;
        }
    }

    private async Task<AgendaRecord?> FindAgendaAsync(long id, JobAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var details = await jobs.FindJobAsync(id, cancellationToken).ConfigureAwait(false);
        if (details is null || !access.Sees(details.Job.SubmittedBy))
        {
            return null;
        }

        return await frames.FindAgendaAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidRequestException($"job {id} is not an agenda job: it has no frames");
    }

    private static string Decode(MemoryStream stream) => Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
}
