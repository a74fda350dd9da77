"""The export stage: the trained model as GGUF (llama.cpp, Ollama, LM Studio), as ONNX, or as a page that runs it in
the browser (transformers.js + sql.js), each checked against the model it came from."""
