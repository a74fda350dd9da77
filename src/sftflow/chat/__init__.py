"""`sftflow chat`: a web chat UI (gradio) against any OpenAI-compatible endpoint."""
