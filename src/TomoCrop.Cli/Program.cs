namespace TomoCrop.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("tomocrop 0.1.0");
        return 0;
    }
}
