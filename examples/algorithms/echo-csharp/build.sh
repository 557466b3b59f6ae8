#!/bin/sh
# Build step: publishes the program into app/, then drops the intermediate files so the build stays small.
set -eu
dotnet publish EchoCsharp.csproj -c Release -o app --nologo -v quiet
rm -rf bin obj
