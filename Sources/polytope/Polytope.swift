import ArgumentParser

@main
struct Polytope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "polytope",
        abstract: "Look at transformer MLP layers through the polytope lens.",
        subcommands: [])
}
