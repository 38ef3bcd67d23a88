import AjvCompiler from '@fastify/ajv-compiler'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'

/**
 * Route schemas compiled when first needed rather than all at start-up. Fastify compiles a validator
 * (Ajv) and a serializer (fast-json-stringify) for every schema of every route before it listens; with
 * some 300 routes that was about half of start-up's CPU (1.4 s of 3 s in a profile, bench/run.ts), for
 * routes a given process may never serve. Here each compiles on its first request (a few milliseconds,
 * once per process), through the very compilers and options Fastify would have used. The server does not
 * compile the rest ahead: doing so in the background held ~10 MB more under load (bench/run.ts). `warm()`
 * compiles them all, one schema per turn of the event loop; a test uses it to check that every one compiles.
 */
type Thunk = () => void

type ValidatorFactory = ReturnType<typeof AjvCompiler>
type ValidatorCompiler = ReturnType<ValidatorFactory>
type Validator = ReturnType<ValidatorCompiler>
type SerializerFactory = ReturnType<typeof SerializerSelector>
type SerializerCompiler = ReturnType<SerializerFactory>
type Serializer = ReturnType<SerializerCompiler>

interface LazyValidator {
  (data: unknown, context?: unknown): unknown
  errors?: unknown
  schemaEnv?: unknown
}

export function lazySchemaCompilers() {
  const pending = new Set<Thunk>()
  const validators = AjvCompiler()
  const serializers = SerializerSelector()

  /** `build` run once, on the first call of the function returned (or by `warm`). */
  function once<T>(build: () => T): () => T {
    let compiled: T | undefined
    const ensure = () => {
      if (compiled === undefined) {
        compiled = build()
        pending.delete(ensure)
      }
      return compiled
    }
    pending.add(ensure)
    return ensure
  }

  function lazyValidator(build: () => Validator): LazyValidator {
    const ensure = once(build)
    const run: LazyValidator = (data, context) => {
      const fn = ensure() as unknown as (data: unknown, context?: unknown) => unknown
      const result = fn(data, context)
      // Fastify reads a failed validation's details from the function it was given.
      run.errors = (fn as unknown as { errors?: unknown }).errors
      return result
    }
    // Ajv's functions carry schemaEnv, which tells Fastify to pass the parent object so coercion can
    // replace a root value; ours forwards that context to the real function.
    run.schemaEnv = {}
    return run
  }

  function lazySerializer(build: () => Serializer): Serializer {
    const ensure = once(build)
    return (doc: unknown) => ensure()(doc)
  }

  return {
    compilersFactory: {
      buildValidator(...args: Parameters<ValidatorFactory>): ValidatorCompiler {
        const compile = validators(...args)
        return ((route: Parameters<ValidatorCompiler>[0]) =>
          lazyValidator(() => compile(route))) as unknown as ValidatorCompiler
      },
      buildSerializer(...args: Parameters<SerializerFactory>): SerializerCompiler {
        const compile = serializers(...args)
        return (route) => lazySerializer(() => compile(route))
      },
    },

    /** Schemas no request has needed yet. */
    get pending(): number {
      return pending.size
    },

    /** Compiles every schema not yet compiled, yielding to requests between each; rejects on a bad schema. */
    async warm(): Promise<void> {
      for (const ensure of [...pending]) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        ensure()
      }
    },
  }
}
