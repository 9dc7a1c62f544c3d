@testable import WSHealthAgent

extension ExpositionReader {
    /// The rules of a whole family: its metadata against its name, its values against its type.
    enum FamilyRules {
        static func check(_ family: Family, format: ExpositionFormat, others: [Family]) throws {
            if let unit = family.unit, !unit.isEmpty {
                guard family.name.hasSuffix("_" + unit) else {
                    throw Failure("\(family.name): unit \(unit) not a suffix")
                }
                guard family.type != "info" && family.type != "stateset" else {
                    throw Failure("\(family.name): \(family.type!) with a unit")
                }
            }
            if format == .openMetrics {
                let names = Grammar.sampleNames(family.name, family.type, format)
                for other in others where !names.isDisjoint(with: Grammar.sampleNames(other.name, other.type, format)) {
                    throw Failure("\(family.name) and \(other.name) may clash")
                }
            }
            switch family.type {
            case "counter":
                let totals = family.samples.filter { format == .text || $0.name.hasSuffix("_total") }
                guard totals.allSatisfy({ !$0.value.isNaN && $0.value >= 0 }) else {
                    throw Failure("\(family.name): a counter is NaN or negative")
                }
                guard Set(totals.map(\.labels)) == Set(family.samples.map(\.labels)) else {
                    throw Failure("\(family.name): a metric without its _total")
                }
            case "info" where format == .openMetrics:
                guard family.samples.allSatisfy({ $0.value == 1 }) else { throw Failure("\(family.name): info not 1") }
            case "histogram", "gaugehistogram":
                try self.checkHistogram(family, format: format)
            default:
                break
            }
        }

        /// Buckets in increasing order ending with `+Inf`, cumulative integer counts, a count
        /// equal to the `+Inf` bucket, a sum that is a counter.
        private static func checkHistogram(_ family: Family, format: ExpositionFormat) throws {
            let gauge = family.type == "gaugehistogram"
            var metrics: [[String: String]: [Sample]] = [:]
            for sample in family.samples {
                metrics[sample.labels.filter { $0.key != "le" }, default: []].append(sample)
            }
            for (labels, samples) in metrics {
                let what = "\(family.name)\(labels.sorted { $0.key < $1.key })"
                let buckets = try samples.filter { $0.name == family.name + "_bucket" }.map {
                    (bound: try Grammar.number($0.labels["le"] ?? "", format: format), count: $0.value)
                }
                guard let last = buckets.last, last.bound == .infinity else { throw Failure("\(what): no +Inf bucket") }
                for (lower, upper) in zip(buckets, buckets.dropFirst()) {
                    guard lower.bound < upper.bound else { throw Failure("\(what): buckets out of order") }
                    guard lower.count <= upper.count else { throw Failure("\(what): buckets not cumulative") }
                }
                guard buckets.allSatisfy({ $0.count >= 0 && $0.count.rounded() == $0.count }) else {
                    throw Failure("\(what): a bucket count is not a whole number")
                }
                let count = samples.first { $0.name == family.name + (gauge ? "_gcount" : "_count") }
                guard count == nil || count!.value == last.count else { throw Failure("\(what): count ≠ +Inf bucket") }
                let sum = samples.first { $0.name == family.name + (gauge ? "_gsum" : "_sum") }
                if let sum, !gauge, buckets.allSatisfy({ $0.bound >= 0 }) {
                    guard !sum.value.isNaN && sum.value >= 0 else { throw Failure("\(what): sum NaN or negative") }
                }
            }
        }
    }
}
