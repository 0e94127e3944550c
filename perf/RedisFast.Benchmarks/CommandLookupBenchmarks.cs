using System.Text;
using BenchmarkDotNet.Attributes;
using RedisFast.Commands;

namespace RedisFast.Benchmarks;

/// <summary>
/// The command lookup every executed command goes through (<see cref="CommandLookup.Find(ReadOnlySpan{byte})"/>):
/// a short name in upper case as clients send it, a name longer than the 8 bytes read as one word, and a name that
/// is no command. Must allocate nothing.
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a class deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class CommandLookupBenchmarks
{
    private CommandLookup _table = null!;
    private byte[] _name = [];

    [Params("GET", "ZRANGEBYSCORE", "NOSUCHCMD")]
    public string Name { get; set; } = "GET";

    [GlobalSetup]
    public void Setup()
    {
        _table = CommandTable.Create();
        _name = Encoding.ASCII.GetBytes(Name);
    }

    [Benchmark]
    public bool Find() => _table.Find(_name) is not null;
}
