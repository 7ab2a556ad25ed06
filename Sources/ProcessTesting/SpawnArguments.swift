import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// posix_spawn's argv and envp as C arrays, alive for one call: the program, its arguments, and
/// this process's environment with `environment` laid over it.
func withSpawnArguments<R>(
    _ program: String, _ arguments: [String], environment: [String: String],
    _ body: ([UnsafeMutablePointer<CChar>?], [UnsafeMutablePointer<CChar>?]) -> R
) -> R {
    let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    return body(argv, envp)
}
