using System.Text.Json;
using Hearth.Core.Resources;
using Hearth.Supervisor.Storage;

namespace Hearth.Supervisor.Scheduling;

/// <summary>
/// What admins set at run time and the store keeps across restarts: cluster-wide resource totals, a license's
/// outside use, and worker resource totals. A value set here wins over the supervisor's and the worker's
/// configuration until it is set again.
/// </summary>
internal sealed class ClusterSettings
{
    private const string ResourcePrefix = "resource:";
    private const string WorkerPrefix = "worker:";
    private const string LockPrefix = "lock:";
    private const string HighestUserPrioritySetting = "policy:highest_user_priority";

    private readonly Dictionary<ResourceName, ResourceSetting> _resources = [];
    private readonly Dictionary<string, Dictionary<ResourceName, int>> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<ResourceName, ResourceSetting> Resources => _resources;

    public IReadOnlySet<string> Locked => _locked;

    public bool IsLocked(string worker) => _locked.Contains(worker);

    /// <summary>
    /// The highest priority an account key may give a job: the lowest number, since 1 runs first. 1 (the default)
    /// leaves accounts every priority; admin keys are never held to it.
    /// </summary>
    public int HighestUserPriority { get; private set; } = 1;

    public SettingRecord SetHighestUserPriority(int priority)
    {
        HighestUserPriority = priority;
        return new SettingRecord(HighestUserPrioritySetting, JsonSerializer.Serialize(new PrioritySetting(priority), StoredJsonOptions));
    }

    public SettingRecord Lock(string worker, bool locked)
    {
        if (locked)
        {
            _locked.Add(worker);
            return new SettingRecord(LockPrefix + worker, "{\"locked\":true}");
        }

        _locked.Remove(worker);
        return new SettingRecord(LockPrefix + worker, null);
    }

    /// <summary>Reads stored settings; a row this version cannot read is skipped rather than stopping the supervisor.</summary>
    public void Load(IReadOnlyList<SettingRecord>? settings)
    {
        foreach (var setting in settings ?? [])
        {
            if (setting.Value is null)
            {
                continue;
            }

            if (setting.Name.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                && ResourceName.TryParse(setting.Name[ResourcePrefix.Length..], out var resource, out _) && !resource.IsHost)
            {
                var value = JsonSerializer.Deserialize<ResourceSetting>(setting.Value, StoredJsonOptions);
                if (value is not null)
                {
                    _resources[resource] = value;
                }
            }
            else if (setting.Name == HighestUserPrioritySetting)
            {
                if (JsonSerializer.Deserialize<PrioritySetting>(setting.Value, StoredJsonOptions) is { Priority: >= 1 } floor)
                {
                    HighestUserPriority = floor.Priority;
                }
            }
            else if (setting.Name.StartsWith(LockPrefix, StringComparison.Ordinal))
            {
                _locked.Add(setting.Name[LockPrefix.Length..]);
            }
            else if (setting.Name.StartsWith(WorkerPrefix, StringComparison.Ordinal))
            {
                var amounts = JsonSerializer.Deserialize<Dictionary<string, int>>(setting.Value) ?? [];
                var totals = new Dictionary<ResourceName, int>();
                foreach (var (name, amount) in amounts)
                {
                    if (ResourceName.TryParse(name, out var hostResource, out _) && hostResource.IsHost)
                    {
                        totals[hostResource] = amount;
                    }
                }

                _workers[setting.Name[WorkerPrefix.Length..]] = totals;
            }
        }
    }

    public SettingRecord SetResource(ResourceName resource, ResourceSetting value)
    {
        _resources[resource] = value;
        return new SettingRecord(ResourcePrefix + resource, JsonSerializer.Serialize(value, StoredJsonOptions));
    }

    public SettingRecord SetWorker(string worker, IReadOnlyDictionary<ResourceName, int> totals)
    {
        if (!_workers.TryGetValue(worker, out var current))
        {
            current = [];
            _workers.Add(worker, current);
        }

        foreach (var (resource, total) in totals)
        {
            current[resource] = total;
        }

        return new SettingRecord(
            WorkerPrefix + worker,
            JsonSerializer.Serialize(current.OrderBy(kv => kv.Key, ResourceName.Order).ToDictionary(kv => kv.Key.ToString(), kv => kv.Value)));
    }

    /// <summary>A removed worker's settings go with it.</summary>
    public IEnumerable<SettingRecord> ForgetWorker(string worker)
    {
        if (_workers.Remove(worker))
        {
            yield return new SettingRecord(WorkerPrefix + worker, null);
        }

        if (_locked.Remove(worker))
        {
            yield return new SettingRecord(LockPrefix + worker, null);
        }
    }

    /// <summary>What a worker reports, with the admin's totals laid over it.</summary>
    public Dictionary<ResourceName, int> ForWorker(string worker, IReadOnlyDictionary<ResourceName, int> reported)
    {
        var totals = new Dictionary<ResourceName, int>(reported);
        if (_workers.TryGetValue(worker, out var set))
        {
            foreach (var (resource, total) in set)
            {
                totals[resource] = total;
            }
        }

        return totals;
    }

    private static readonly JsonSerializerOptions StoredJsonOptions = new(JsonSerializerDefaults.Web);
}
