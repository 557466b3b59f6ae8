using System.Globalization;
using Hearth.Worker.Spawning;

namespace Hearth.Worker;

/// <summary>
/// One small file per running subjob in the run directory's <c>processes/</c>, written once its process exists and
/// removed once it has been reaped: <c>PID START JOB SUBJOB</c>, where START is the leader's start time in clock
/// ticks since boot (<c>/proc/PID/stat</c>). The leader heads its own session and process group, so PID is also
/// both IDs. A worker process that dies without cleaning up (SIGKILL, a crash, the OOM killer) leaves its files;
/// the next worker started from the same run directory reads them and kills what is still running, before it
/// registers, so the supervisor never counts on those resources or runs an attempt twice.
/// An algorithm instance is recorded the same way as <c>PID START instance ID</c> in <c>instance-ID</c>. It does not
/// lead a session of its own, so its processes are the recorded one, its descendants while it lives, and any process
/// whose environment names the instance on this worker (its orphans, once it has gone).
/// </summary>
internal sealed class ProcessRecords
{
    private const string InstanceRecord = "instance-";
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
        if (!OperatingSystem.IsLinux() || ProcStat.Read(pid) is not { } stat)
        {
            return;
        }

        var path = PathOf(assignmentId);
        var temporary = path + ".new";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{pid} {stat.StartTicks} {jobId} {subjobIndex}\n"));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Records an instance's process that has just been spawned.</summary>
    public void AddInstance(string instanceId, int pid)
    {
        if (!OperatingSystem.IsLinux() || ProcStat.Read(pid) is not { } stat)
        {
            return;
        }

        var path = PathOf(InstanceRecord + instanceId);
        var temporary = path + ".new";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{pid} {stat.StartTicks} instance {instanceId}\n"));
        File.Move(temporary, path, overwrite: true);
    }

    public void RemoveInstance(string instanceId) => Remove(InstanceRecord + instanceId);

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
                KillAll(record, members);
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
            // A member that forked while the others were being killed left a child to kill as well.
            left.RemoveWhere(r => Members(r, workerName) is var members && KillAll(r, members) == 0);
        }

        foreach (var (record, _) in killed.Where(k => !left.Contains(k.Record)))
        {
            Remove(record.AssignmentId);
        }

        return [.. killed.Select(k => new LeftoverProcess(k.Record.AssignmentId, k.Record.Pid, k.Count, !left.Contains(k.Record)))];
    }

    private static int KillAll(Record record, List<int> members)
    {
        if (members.Count > 0 && record.InstanceId is null)
        {
            _ = Posix.Kill(-record.Pid, Posix.SigKill);
        }

        foreach (var pid in members)
        {
            _ = Posix.Kill(pid, Posix.SigKill);
        }

        return members.Count;
    }

    /// <summary>The live (not zombie) processes of a recorded session that are still that subjob's.</summary>
    private static List<int> Members(Record record, string workerName)
    {
        if (record.InstanceId is not null)
        {
            return InstanceMembers(record, workerName);
        }

        var leader = ProcStat.Read(record.Pid);
        if (leader is { } l && l.StartTicks != record.StartTicks)
        {
            return [];
        }

        var members = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ProcStat.Read(pid) is not { } stat || stat.Session != record.Pid || stat.State == 'Z')
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

    /// <summary>
    /// The live processes of a recorded instance: its process if it is still the one recorded, whatever descends from
    /// it, and whatever names the instance and this worker in its environment.
    /// </summary>
    private static List<int> InstanceMembers(Record record, string workerName)
    {
        var parents = new Dictionary<int, int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcStat.Read(pid) is { } stat && stat.State != 'Z' && stat.StartTicks >= record.StartTicks)
            {
                parents[pid] = stat.Parent;
            }
        }

        var leaderLives = ProcStat.Read(record.Pid) is { } leader && leader.StartTicks == record.StartTicks && leader.State != 'Z';
        var members = new List<int>();
        foreach (var pid in parents.Keys)
        {
            if ((leaderLives && DescendsFrom(pid, record.Pid, parents)) || Names(pid, workerName, $"HEARTH_INSTANCE_ID={record.InstanceId}"))
            {
                members.Add(pid);
            }
        }

        return members;
    }

    private static bool DescendsFrom(int pid, int ancestor, Dictionary<int, int> parents)
    {
        for (var at = pid; ; )
        {
            if (at == ancestor)
            {
                return true;
            }

            if (!parents.TryGetValue(at, out at))
            {
                return false;
            }
        }
    }

    private static bool BelongsTo(int pid, Record record, string workerName) =>
        Names(pid, workerName, string.Create(CultureInfo.InvariantCulture, $"QB_JOBID={record.JobId}"), string.Create(CultureInfo.InvariantCulture, $"QB_SUBID={record.SubjobIndex}"));

    /// <summary>Whether the process's environment names this worker and holds every one of <paramref name="variables"/>.</summary>
    private static bool Names(int pid, string workerName, params string[] variables)
    {
        try
        {
            var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
            return environment.Contains($"HEARTH_WORKER={workerName}", StringComparer.Ordinal)
                && variables.All(v => environment.Contains(v, StringComparer.Ordinal));
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
                    && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start))
                {
                    if (fields[2] == "instance")
                    {
                        records.Add(new Record(name, pid, start, 0, 0) { InstanceId = fields[3] });
                        continue;
                    }

                    if (long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var job)
                        && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var subjob))
                    {
                        records.Add(new Record(name, pid, start, job, subjob));
                        continue;
                    }
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

    private sealed record Record(string AssignmentId, int Pid, long StartTicks, long JobId, int SubjobIndex)
    {
        /// <summary>Set for an instance's record, whose processes are found by descent and environment, not by session.</summary>
        public string? InstanceId { get; init; }
    }
}
