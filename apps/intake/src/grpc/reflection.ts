import type { PackageDefinition } from '@grpc/proto-loader';
import { FileDescriptorProto, IDescriptorProto, IFileDescriptorProto } from 'protobufjs/ext/descriptor';

/**
 * @grpc/proto-loader builds file descriptors through protobufjs, which names files after their
 * package and leaves every `dependency` list empty. Go clients (grpcurl, ghz) then cannot resolve
 * `google.protobuf.Timestamp` through server reflection. This declares, for each file, the files
 * that define the types its fields and methods use, so reflection serves a self-consistent set.
 */
export function withDeclaredDependencies(definition: PackageDefinition): PackageDefinition {
  const files = new Map<string, IFileDescriptorProto>();
  for (const entry of Object.values(definition) as { fileDescriptorProtos?: Buffer[] }[]) {
    for (const bin of entry.fileDescriptorProtos ?? []) {
      const file = FileDescriptorProto.decode(bin) as IFileDescriptorProto;
      if (file.name && !files.has(file.name)) files.set(file.name, file);
    }
  }
  const owner = new Map<string, string>();
  const indexMessages = (prefix: string, messages: IDescriptorProto[] | null | undefined, file: string) => {
    for (const m of messages ?? []) {
      owner.set(`${prefix}.${m.name}`, file);
      indexMessages(`${prefix}.${m.name}`, m.nestedType, file);
      for (const e of m.enumType ?? []) owner.set(`${prefix}.${m.name}.${e.name}`, file);
    }
  };
  for (const [name, file] of files) {
    indexMessages(file.package ?? '', file.messageType, name);
    for (const e of file.enumType ?? []) owner.set(`${file.package}.${e.name}`, name);
  }
  const resolve = (typeName: string | null | undefined, scope: string): string | undefined => {
    if (!typeName) return undefined;
    if (typeName.startsWith('.')) return owner.get(typeName.slice(1));
    for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
      const hit = owner.get(s ? `${s}.${typeName}` : typeName);
      if (hit || !s) return hit;
    }
  };
  const encoded: Buffer[] = [];
  for (const [name, file] of files) {
    const deps = new Set<string>(file.dependency ?? []);
    const visit = (messages: IDescriptorProto[] | null | undefined, scope: string) => {
      for (const m of messages ?? []) {
        for (const f of m.field ?? []) {
          const dep = resolve(f.typeName, `${scope}.${m.name}`);
          if (dep && dep !== name) deps.add(dep);
        }
        visit(m.nestedType, `${scope}.${m.name}`);
      }
    };
    visit(file.messageType, file.package ?? '');
    for (const service of file.service ?? []) {
      for (const method of service.method ?? []) {
        for (const t of [method.inputType, method.outputType]) {
          const dep = resolve(t, file.package ?? '');
          if (dep && dep !== name) deps.add(dep);
        }
      }
    }
    file.dependency = [...deps];
    encoded.push(Buffer.from(FileDescriptorProto.encode(file as any).finish()));
  }
  return Object.fromEntries(
    Object.entries(definition).map(([key, value]) => [
      key,
      'fileDescriptorProtos' in (value as object) ? { ...(value as object), fileDescriptorProtos: encoded } : value,
    ]),
  ) as PackageDefinition;
}
