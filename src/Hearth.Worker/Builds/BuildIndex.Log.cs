using Microsoft.Extensions.Logging;

namespace Hearth.Worker.Builds;

internal sealed partial class BuildIndex
{
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Evicted build {Hash} ({Bytes} bytes, last used {LastUse:O}) from the build cache, which now holds {CacheBytes} of its {CapacityBytes} bytes")]
    private partial void LogBuildEvicted(string hash, long bytes, DateTimeOffset lastUse, long cacheBytes, long capacityBytes);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The build cache holds {CacheBytes} bytes, over its cap of {CapacityBytes}: the {InUse} builds in use or being fetched are kept")]
    private partial void LogOverCapacity(long cacheBytes, long capacityBytes, int inUse);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not evict build {Hash} from the build cache: {Error}")]
    private partial void LogEvictionFailed(string hash, string error);
}
