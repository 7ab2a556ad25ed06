/// The parameters laid out in one allocation, as the C arrays PQexecParams takes.
struct ParameterBuffer {
    private var storage: [UInt8] = []
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []
    private var types: [UInt32] = []

    init(_ parameters: [PGParameter?]) {
        for parameter in parameters {
            guard let parameter else {
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
                types.append(0)
                continue
            }
            offsets.append(storage.count)
            storage.append(contentsOf: parameter.bytes)
            storage.append(0) // text parameters are read as C strings
            lengths.append(Int32(parameter.bytes.count))
            formats.append(parameter.format.rawValue)
            types.append(parameter.typeOID)
        }
    }

    func withCArrays<R>(
        _ body: (Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        storage.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard let offset, let base else { return nil }
                return (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return types.withUnsafeBufferPointer { types in
                pointers.withUnsafeBufferPointer { values in
                    lengths.withUnsafeBufferPointer { lengths in
                        formats.withUnsafeBufferPointer { formats in
                            body(Int32(offsets.count), types.baseAddress, values.baseAddress, lengths.baseAddress, formats.baseAddress)
                        }
                    }
                }
            }
        }
    }
}
