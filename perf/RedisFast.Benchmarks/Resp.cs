using System.Text;

namespace RedisFast.Benchmarks;

/// <summary>Encodes requests the way clients send them (RESP multibulk). Set-up code only.</summary>
internal static class Resp
{
    public static byte[] Command(params string[] args)
    {
        var builder = new StringBuilder();
        builder.Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary><paramref name="request"/> <paramref name="times"/> times back to back: a pipeline in one read.</summary>
    public static byte[] Repeat(byte[] request, int times)
    {
        var pipeline = new byte[request.Length * times];
        for (int i = 0; i < times; i++) request.CopyTo(pipeline, i * request.Length);
        return pipeline;
    }

    public static string Show(byte[] reply) => Encoding.UTF8.GetString(reply).Replace("\r\n", "\\r\\n", StringComparison.Ordinal);
}
