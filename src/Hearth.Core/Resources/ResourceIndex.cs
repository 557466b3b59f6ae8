using System.Collections.Concurrent;

namespace Hearth.Core.Resources;

/// <summary>
/// A small dense number for every resource name seen by the process, so that ledgers keep their counts in
/// arrays rather than hashing names on every reserve and release. Numbers never change once given; they
/// carry no meaning beyond identity, so the order they are handed out in does not affect any decision.
/// </summary>
internal static class ResourceIndex
{
    private static readonly ConcurrentDictionary<ResourceName, int> Numbers = new();
    private static readonly Lock Gate = new();
    private static ResourceName[] _names = new ResourceName[16];
    private static int _count;

    static ResourceIndex()
    {
        Of(ResourceName.Processors);
        Of(ResourceName.Memory);
    }

    /// <summary>How many resources have numbers; every number is below this.</summary>
    public static int Count => Volatile.Read(ref _count);

    public static int Of(ResourceName resource)
    {
        if (Numbers.TryGetValue(resource, out var number))
        {
            return number;
        }

        lock (Gate)
        {
            if (Numbers.TryGetValue(resource, out number))
            {
                return number;
            }

            number = _count;
            if (number == _names.Length)
            {
                Array.Resize(ref _names, number * 2);
            }

            _names[number] = resource;
            Numbers[resource] = number;
            Volatile.Write(ref _count, number + 1);
            return number;
        }
    }

    public static ResourceName NameOf(int number) => _names[number];
}
