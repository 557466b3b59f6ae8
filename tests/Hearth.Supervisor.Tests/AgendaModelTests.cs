using CsCheck;
using Hearth.Core.Frames;
using Hearth.Core.Resources;
using Hearth.Protocol.Workers;
using Hearth.Supervisor.Frames;
using Hearth.Supervisor.Jobs;
using Hearth.Supervisor.Scheduling;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Tests;

/// <summary>
/// Random interleavings of agenda jobs submitted, items ending well or badly, workers lost and coming back, and
/// supervisor restarts from what was committed. After every step no item runs on two subjobs, every running agenda
/// subjob runs exactly one item under its current attempt, and the counts match the items; at the end, with every
/// worker back and every process run out, every job has ended and every item with it, none lost.
/// </summary>
public sealed class AgendaModelTests
{
    private static readonly Gen<(int Kind, int A, int B)> Step = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1000], Gen.Int[0, 1000]);

    [Fact]
    public void NoInterleavingOfItemsWorkerLossAndRestartsRunsAnItemTwiceOrLosesOne()
    {
        Step.Array[1, 60].Sample(steps =>
        {
            var model = new AgendaModel();
            foreach (var (kind, a, b) in steps)
            {
                model.Apply(kind, a, b);
                model.Check();
            }

            model.Settle();
        }, iter: 300, threads: 1, print: steps => string.Join(", ", steps));
    }

    [Fact]
    public void ALostWorkersItemsGoBackToPendingCountedAsRequeuesAndRunElsewhere()
    {
        var model = new AgendaModel();
        model.Apply(0, 5, 1);
        var job = model.Harness.State.ActiveJobs.Values.Single();
        var lost = job.Agenda!.Items.Where(i => i.State == ItemState.Running && i.Host == "w1").ToList();
        Assert.NotEmpty(lost);

        model.Apply(3, 0, 0);

        Assert.All(lost, i => Assert.True(i.State != ItemState.Running || i.Host == "w2", $"item {i.Chunk.Name} still runs on w1"));
        Assert.All(lost, i => Assert.Equal(1, i.Requeues));
        model.Check();
        model.Settle();
    }

    private static readonly string[] Ended = ["complete", "failed", "killed"];

    private sealed class AgendaModel
    {
        private readonly Dictionary<long, JobRecord> _jobs = [];
        private readonly Dictionary<(long, int), SubjobRecord> _subjobs = [];
        private readonly Dictionary<string, WorkerRecord> _workers = new(StringComparer.Ordinal);
        private readonly Dictionary<long, AgendaRecord> _agendas = [];
        private readonly Dictionary<(long, int), WorkItemRecord> _items = [];

        /// <summary>What each worker runs, by assignment ID; a lost worker keeps nothing.</summary>
        private readonly Dictionary<string, HashSet<string>> _running = new(StringComparer.Ordinal) { ["w1"] = [], ["w2"] = [] };
        private readonly HashSet<string> _down = new(StringComparer.Ordinal);

        public AgendaModel()
        {
            Harness = new SchedulerHarness();
            Connect("w1");
            Connect("w2");
        }

        public SchedulerHarness Harness { get; private set; }

        public void Apply(int kind, int a, int b)
        {
            switch (kind)
            {
                case 0:
                    var spec = AgendaPlan.Parse($"1-{1 + (a % 12)}", 1 + (b % 3), 0, (b % 3) switch { 0 => "ascending", 1 => "descending", _ => "binary" });
                    Commit(fx => Harness.State.Submit(
                        new JobSubmission("agenda", ["true"], ResourceRequest.Parse("host.processors=1"), 9999, 1 + (a % 3), null,
                            Agenda: new AgendaSpec(spec.Range.ToString(), spec, b % 2, TimeSpan.Zero, null)), fx));
                    break;
                case 1:
                case 2:
                    EndOne(a, kind == 2 && b % 2 == 0 ? 1 : 0);
                    break;
                case 3:
                    Lose(a % 2 == 0 ? "w1" : "w2");
                    break;
                case 4:
                    foreach (var name in _down.ToList())
                    {
                        Connect(name);
                    }

                    break;
                default:
                    Restart();
                    break;
            }

            Commit(fx => Harness.State.Place(fx));
        }

        public void Check()
        {
            var holders = new Dictionary<WorkItem, Subjob>();
            foreach (var job in Harness.State.ActiveJobs.Values.Where(j => j.Agenda is not null))
            {
                var agenda = job.Agenda!;
                foreach (var state in Enum.GetValues<ItemState>())
                {
                    Assert.Equal(agenda.Items.Count(i => i.State == state), agenda.Count(state));
                }

                foreach (var subjob in job.Subjobs.Where(s => s.State == WorkState.Running))
                {
                    var items = agenda.Items.Where(i => i.State == ItemState.Running && i.Subjob == subjob.Index).ToList();
                    var item = Assert.Single(items);
                    Assert.Equal(subjob.Attempt, item.Run);
                    Assert.Equal(subjob.Host, item.Host);
                    Assert.True(holders.TryAdd(item, subjob));
                }

                Assert.All(agenda.Items.Where(i => i.State == ItemState.Running), i => Assert.True(holders.ContainsKey(i), $"item {i.Chunk.Name} runs on no subjob"));
            }

            // A process runs for an item only under the item's current attempt: never two at once.
            var byItem = _running.Values.SelectMany(ids => ids).Select(Item).Where(i => i is not null).GroupBy(i => i).Where(g => g.Count() > 1);
            Assert.Empty(byItem);
        }

        public void Settle()
        {
            foreach (var name in _down.ToList())
            {
                Connect(name);
            }

            for (var round = 0; round < 500 && Harness.State.ActiveJobs.Count > 0; round++)
            {
                if (!EndOne(round, 0))
                {
                    Harness.Time.Advance(TimeSpan.FromSeconds(1));
                }

                Commit(fx => Harness.State.Place(fx));
                Check();
            }

            Assert.Empty(Harness.State.ActiveJobs);
            foreach (var (_, item) in _items)
            {
                Assert.Contains(item.State, Ended);
            }

            Assert.All(_jobs.Values, j => Assert.Contains(j.State, Ended));
            Assert.All(_jobs.Values.Where(j => j.State == "complete"), j => Assert.All(_items.Values.Where(i => i.JobId == j.Id), i => Assert.Equal("complete", i.State)));
        }

        private WorkItem? Item(string assignmentId)
        {
            var parts = assignmentId.Split('.');
            var (jobId, index, run) = (long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
            return Harness.State.ActiveJobs.TryGetValue(jobId, out var job)
                ? job.Agenda?.Items.FirstOrDefault(i => i.State == ItemState.Running && i.Subjob == index && i.Run == run)
                : null;
        }

        private bool EndOne(int pick, int exitCode)
        {
            var live = _running.Where(kv => !_down.Contains(kv.Key)).SelectMany(kv => kv.Value.Select(id => (Worker: kv.Key, Id: id))).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            if (live.Count == 0)
            {
                return false;
            }

            var (worker, id) = live[pick % live.Count];
            _running[worker].Remove(id);
            Commit(fx => Harness.State.Exited(Harness.Sessions[worker], new ProcessExited { AssignmentId = id, ExitCode = exitCode }, fx));
            return true;
        }

        private void Lose(string name)
        {
            if (_down.Contains(name))
            {
                return;
            }

            _down.Add(name);
            _running[name].Clear();
            Commit(fx => Harness.State.Leave(Harness.Sessions[name], fx));
        }

        private void Connect(string name)
        {
            _down.Remove(name);
            var session = new WorkerSession(name);
            Harness.Sessions[name] = session;
            var register = new Register { Name = name, Resources = { ["host.processors"] = 2 } };
            register.Processes.AddRange(_running[name].Select(SchedulerHarness.Running));
            Commit(fx => Harness.State.Connect(session, register, fx));
        }

        /// <summary>A new supervisor from what was committed; the workers register again with what they still run.</summary>
        private void Restart()
        {
            Harness = new SchedulerHarness();
            var unfinished = _jobs.Values.Where(j => j.State is "pending" or "blocked" or "running").OrderBy(j => j.Id).ToList();
            var stored = new StoredCluster(
                [.. _workers.Values],
                [.. unfinished.Select(j => new JobDetails(j, [.. _subjobs.Values.Where(s => s.JobId == j.Id).OrderBy(s => s.Index)], []))],
                _jobs.Keys.DefaultIfEmpty().Max(), _subjobs.Values.Select(s => s.Sequence).DefaultIfEmpty().Max(), [],
                [.. unfinished.Where(j => _agendas.ContainsKey(j.Id)).Select(j => new AgendaDetails(
                    _agendas[j.Id], [.. _items.Values.Where(i => i.JobId == j.Id).OrderBy(i => i.Index)]))]);
            Commit(fx => Harness.State.Restore(stored, fx));
            foreach (var name in _running.Keys.Where(n => !_down.Contains(n)).ToList())
            {
                Connect(name);
            }
        }

        /// <summary>Runs one step of the loop, keeps what it committed, and carries its messages to the model workers.</summary>
        private void Commit(Action<CycleEffects> step)
        {
            var fx = Harness.Next();
            step(fx);
            var changes = fx.ToChangeSet();
            foreach (var j in changes.Jobs)
            {
                _jobs[j.Id] = j with { Version = j.Version + 1 };
            }

            foreach (var s in changes.Subjobs)
            {
                _subjobs[(s.JobId, s.Index)] = s with { Version = s.Version + 1 };
            }

            foreach (var w in changes.Workers)
            {
                _workers[w.Name] = w with { Version = w.Version + 1 };
            }

            foreach (var a in changes.Agendas)
            {
                _agendas[a.JobId] = a;
            }

            foreach (var i in changes.WorkItems)
            {
                _items[(i.JobId, i.Index)] = i with { Version = i.Version + 1 };
            }

            foreach (var (session, message) in fx.Messages)
            {
                if (_down.Contains(session.Name))
                {
                    continue;
                }

                if (message.Assign is { } assign)
                {
                    _running[session.Name].Add(assign.AssignmentId);
                }
                else if (message.Kill is { } kill && _running[session.Name].Remove(kill.AssignmentId))
                {
                    Commit(next => Harness.State.Exited(Harness.Sessions[session.Name], new ProcessExited { AssignmentId = kill.AssignmentId, ExitCode = -9 }, next));
                }
            }
        }
    }
}
