using BenchmarkDotNet.Running;

namespace RedisFast.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project perf/RedisFast.Benchmarks -- --filter '*'</c>.
/// Every BenchmarkDotNet argument works (<c>--filter</c>, <c>--job</c>, <c>--envVars</c>, <c>--list flat</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // The machine these run on has 2 cores shared with other work: BenchmarkDotNet's default job (up to 100
        // iterations per case) takes minutes per case there. Short (1 launch, 3 warm-ups, 3 iterations) is the
        // default; ask for more with --job medium / --job default when the machine is quiet.
        if (!NamesAJob(args)) args = [.. args, "--job", "short"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static bool NamesAJob(string[] args)
    {
        foreach (string arg in args)
        {
            if (arg == "--job" || arg == "-j" || arg.StartsWith("--job=", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
