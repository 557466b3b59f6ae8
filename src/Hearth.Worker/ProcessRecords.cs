using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Worker;

/// <summary>A subjob process that an earlier incarnation of this worker left running, and that was killed.</summary>
internal sealed record LeftoverProcess(string AssignmentId, int ProcessGroup, int Processes, bool Gone);

/// <summary>
/// One small file per running subjob in the run directory's <c>processes/</c>, written once its process exists and
/// removed once it has been reaped: <c>PID START JOB SUBJOB</c>, where START is the leader's start time in clock
/// ticks since boot (<c>/proc/PID/stat</c>). The leader heads its own session and process group, so PID is also
/// both IDs. A worker process that dies without cleaning up (SIGKILL, a crash, the OOM killer) leaves its files;
/// the next worker started from the same run directory reads them and kills what is still running, before it
/// registers, so the supervisor never counts on those resources or runs an attempt twice.
/// </summary>
internal sealed class ProcessRecords
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private readonly string _directory;

    public ProcessRecords(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public string DirectoryPath => _directory;

    /// <summary>Records a process that has just been spawned (and not yet reaped, so its pid is still its own).</summary>
    public void Add(string assignmentId, int pid, long jobId, int subjobIndex)
    {
        if (!OperatingSystem.IsLinux() || ReadStat(pid) is not { } stat)
        {
            return;
        }

        var path = PathOf(assignmentId);
        var temporary = path + ".new";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{pid} {stat.StartTicks} {jobId} {subjobIndex}\n"));
        File.Move(temporary, path, overwrite: true);
    }

    public void Remove(string assignmentId)
    {
        try
        {
            File.Delete(PathOf(assignmentId));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A record left behind is checked against the pid's start time before anything is killed.
        }
    }

    /// <summary>
    /// Kills (SIGKILL) every process of every recorded session that is still running, and waits up to
    /// <paramref name="wait"/> for them to be gone. A record whose leader pid now belongs to a process started at
    /// another time was reused, and its session is not touched; once the leader has gone, the session's other
    /// members are killed only if their environment names the recorded job and subjob on this worker.
    /// </summary>
    public async Task<IReadOnlyList<LeftoverProcess>> KillLeftoversAsync(string workerName, TimeSpan wait, TimeProvider time, CancellationToken cancellation)
    {
        var records = Read();
        if (records.Count == 0 || !OperatingSystem.IsLinux())
        {
            return [];
        }

        var killed = new List<(Record Record, int Count)>();
        foreach (var record in records)
        {
            var members = Members(record, workerName);
            if (members.Count > 0)
            {
                _ = Posix.Kill(-record.Pid, Posix.SigKill);
                foreach (var pid in members)
                {
                    _ = Posix.Kill(pid, Posix.SigKill);
                }

                killed.Add((record, members.Count));
            }
            else
            {
                Remove(record.AssignmentId);
            }
        }

        var deadline = time.GetUtcNow() + wait;
        var left = killed.Where(k => Members(k.Record, workerName).Count > 0).Select(k => k.Record).ToHashSet();
        while (left.Count > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(PollInterval, time, cancellation).ConfigureAwait(false);
            left.RemoveWhere(r => Members(r, workerName).Count == 0);
        }

        foreach (var (record, _) in killed.Where(k => !left.Contains(k.Record)))
        {
            Remove(record.AssignmentId);
        }

        return [.. killed.Select(k => new LeftoverProcess(k.Record.AssignmentId, k.Record.Pid, k.Count, !left.Contains(k.Record)))];
    }

    /// <summary>The live (not zombie) processes of a recorded session that are still that subjob's.</summary>
    private static List<int> Members(Record record, string workerName)
    {
        var leader = ReadStat(record.Pid);
        if (leader is { } l && l.StartTicks != record.StartTicks)
        {
            return [];
        }

        var members = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ReadStat(pid) is not { } stat || stat.Session != record.Pid || stat.State == 'Z')
            {
                continue;
            }

            if (pid == record.Pid || (leader is null ? BelongsTo(pid, record, workerName) : stat.StartTicks >= record.StartTicks))
            {
                members.Add(pid);
            }
        }

        return members;
    }

    private static bool BelongsTo(int pid, Record record, string workerName)
    {
        try
        {
            var variables = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            return variables.Contains($"HEARTH_WORKER={workerName}", StringComparer.Ordinal)
                && variables.Contains(string.Create(CultureInfo.InvariantCulture, $"QB_JOBID={record.JobId}"), StringComparer.Ordinal)
                && variables.Contains(string.Create(CultureInfo.InvariantCulture, $"QB_SUBID={record.SubjobIndex}"), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private List<Record> Read()
    {
        var records = new List<Record>();
        foreach (var path in Directory.EnumerateFiles(_directory))
        {
            var name = Path.GetFileName(path);
            try
            {
                var fields = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (!name.EndsWith(".new", StringComparison.Ordinal) && fields.Length == 4
                    && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1
                    && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                    && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var job)
                    && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var subjob))
                {
                    records.Add(new Record(name, pid, start, job, subjob));
                    continue;
                }

                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Unreadable: nothing can be trusted about it, so nothing is killed for it.
            }
        }

        return records;
    }

    private string PathOf(string assignmentId) => Path.Combine(_directory, WorkerDirectory.Sanitize(assignmentId));

    /// <summary>Fields 3, 6 and 22 of <c>/proc/PID/stat</c>: state, session and start time; null when there is no such process.</summary>
    private static (char State, int Session, long StartTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses; everything after its last ')' is plain.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 19
            && int.TryParse(fields[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var session)
            && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? (fields[0][0], session, start)
            : null;
    }

    private sealed record Record(string AssignmentId, int Pid, long StartTicks, long JobId, int SubjobIndex);
}
