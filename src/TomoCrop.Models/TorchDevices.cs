using TorchSharp;

namespace TomoCrop.Models;

public enum DevicePreference
{
    /// <summary>CUDA when torch.cuda.is_available(), otherwise the CPU.</summary>
    Auto,
    Cpu,
    /// <summary>CUDA or an error: for sites that must not silently fall back to the CPU.</summary>
    Cuda,
}

/// <summary>The one place that turns a device preference into a torch device.</summary>
public static class TorchDevices
{
    public static DevicePreference Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => DevicePreference.Auto,
        "cpu" => DevicePreference.Cpu,
        "cuda" or "gpu" => DevicePreference.Cuda,
        _ => throw new ArgumentException($"unknown device '{text}' (expected auto, cpu or cuda)"),
    };

    public static torch.Device Select(DevicePreference preference) => preference switch
    {
        DevicePreference.Cpu => torch.CPU,
        DevicePreference.Cuda => torch.cuda.is_available()
            ? torch.CUDA
            : throw new InvalidOperationException(
                "device 'cuda' requested but CUDA is not available (CPU build of libtorch, or no usable GPU); use --device auto or cpu"),
        _ => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
    };
}
